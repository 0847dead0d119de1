@testable import CXConfig
import Testing

@Suite struct DidYouMeanTests {
    @Test(arguments: [
        ("duration", "duration", 0), ("dration", "duration", 1), ("analist", "analyst", 1),
        ("lann", "lan", 1), ("", "abc", 3), ("kitten", "sitting", 3),
    ])
    func editDistanceCountsInsertionsDeletionsAndSubstitutions(_ a: String, _ b: String, _ distance: Int) {
        #expect(DidYouMean.distance(a, b) == distance)
        #expect(DidYouMean.distance(b, a) == distance)
    }

    @Test func suggestsTheClosestCandidateWithinTwoEdits() {
        #expect(DidYouMean.suggestion(for: "ownr", among: ["id", "owner", "next"]) == "owner")
        #expect(DidYouMean.suggestion(for: "colour", among: ["id", "owner"]) == nil)
        #expect(DidYouMean.suggestion(for: "owner", among: ["owner"]) == nil)
    }

    @Test func unknownNameMessageListsShortCandidateListsWhenNothingIsClose() {
        #expect(DidYouMean.unknown("notifier", "mail", among: ["log"]) == "unknown notifier 'mail' (known: log)")
        #expect(DidYouMean.unknown("person", "lann", among: ["lan"]) == "unknown person 'lann'; did you mean 'lan'?")
    }
}

@Suite struct NestingScanTests {
    @Test func ordinaryConfigurationIsWithinTheLimit() {
        let text = """
            a:
              b: [1, [2, {c: d}]]
              e:
                - - f
                  - g
              text: |
                [[[[[[[[ not flow ]
              note: "[[[[ quoted"  # [[[[ comment
            """
        // Deepest: root map, a's map, b's list, [2, …], {c: d} — five levels.
        #expect(NestingScan.firstViolation(in: text, limit: 5) == nil)
        #expect(NestingScan.firstViolation(in: text, limit: 4) != nil)
    }

    @Test func deepFlowBracketsAreFoundWhereTheLimitIsCrossed() {
        let text = "a:\n  b: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let violation = NestingScan.firstViolation(in: text, limit: 64)
        #expect(violation?.line == 2)
        // Two block levels (root map, b's map), so the 63rd bracket (column 6 + 62) is level 65.
        #expect(violation?.column == 6 + 62)
    }

    @Test func deepBlockIndentationIsFound() {
        var text = ""
        for level in 0..<70 { text += String(repeating: " ", count: level * 2) + "k\(level):\n" }
        #expect(NestingScan.firstViolation(in: text, limit: 64)?.line == 65)
    }

    @Test func pilesOfSequenceDashesCountOneLevelEach() {
        let text = "list:\n  " + String(repeating: "- ", count: 80) + "x\n"
        #expect(NestingScan.firstViolation(in: text, limit: 64) != nil)
        #expect(NestingScan.firstViolation(in: "list:\n  - - - x\n", limit: 64) == nil)
    }

    @Test func bracketsInsidePlainScalarsDoNotOpenFlowCollections() {
        let text = "a: smile :-[\n" + String(repeating: "b: x[1]\n", count: 100)
        #expect(NestingScan.firstViolation(in: text, limit: 3) == nil)
    }
}

@Suite struct PathsTests {
    @Test func pathsAreNormalisedLexically() {
        #expect(Paths.resolve("../workflows", against: "config") == "workflows")
        #expect(Paths.resolve("../workflows", against: ".") == "../workflows")
        #expect(Paths.resolve("people.yaml", against: "/srv/cxd/config") == "/srv/cxd/config/people.yaml")
        #expect(Paths.resolve("/etc/x.yaml", against: "config") == "/etc/x.yaml")
        #expect(Paths.normalize("/a/../../b/./c") == "/b/c")
        #expect(Paths.directory(of: "cxd.yaml") == ".")
        #expect(Paths.directory(of: "config/cxd.yaml") == "config")
    }
}
