@testable import CXConfig
import Testing
import Yams

/// cxd resolves plain scalars' tags itself (Yams' resolver runs regular expressions, slowly);
/// the result must be Yams' own, scalar for scalar.
@Suite("Scalar tags resolved like Yams")
struct ScalarResolverTests {
    static let known = [
        "", "~", "null", "Null", "NULL", "nul", "yes", "No", "ON", "off", "oN", "true", "TRUE", "tRue",
        "0", "-0", "+0", "07", "0o7", "0o8", "08", "0b101", "0b2", "0x1F", "0xg", "1_000", "-12", "+12", "12a",
        "190:20:30", "1:60", "1:59", "1:5", "1:", "0:30", "1.5", ".5", ".5e+3", ".5e3", "1e3", "1e", "1.e-3",
        "6.8523015e+5", "685.230_15e+03", "190:20:30.15", ".inf", "-.Inf", "+.INF", ".NaN", ".nan", "-.nan",
        "<<", "=", "==", "2026-12-01", "2026-12-1", "2026-1-1 9:05:07", "2026-12-01T09:05:07Z",
        "2026-12-01t09:05:07.123+07:00", "2026-12-01 09:05:07 -7", "2026-12-01  09:05:07.5 Z", "2026-12-01T9:5:07",
        "17:30", "08:30", "5bd", "2w", "Asia/Ho_Chi_Minh", "hello world", "-", "+", ".", "_", "0x", "0b", "0o",
    ]

    @Test func knownCasesAgreeWithYams() {
        for text in Self.known {
            #expect(ScalarResolver.resolve(text) == Resolver.default.resolveTag(of: Node(text)), "\(text)")
        }
    }

    @Test func randomScalarsAgreeWithYams() {
        let alphabet = Array("0123456789_-+.:eExXbBoOtTZ aAfFiInNlLsS~<=\t".unicodeScalars)
        var generator = SplitMix(seed: 0x5eed)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 13)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let expected = Resolver.default.resolveTag(of: Node(text))
            #expect(ScalarResolver.resolve(text) == expected, "'\(text)'")
        }
    }

    @Test func quotedAndTaggedScalarsKeepTheirTags() throws {
        let root = try #require(try Yams.compose(yaml: "a: '12'\nb: !!str yes\nc: 12\nd: \"true\"\ne: !!int '7'\n", .basic))
        let values = try #require(root.mapping)
        let tags = Dictionary(uniqueKeysWithValues: values.map { ($0.key.string ?? "", ScalarResolver.tagName(of: $0.value)) })
        #expect(tags["a"] == .str)
        #expect(tags["b"] == .str)
        #expect(tags["c"] == .int)
        #expect(tags["d"] == .str)
        #expect(tags["e"] == .int)
    }
}

/// A small deterministic generator (SplitMix64), so that a failure can be reproduced.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
