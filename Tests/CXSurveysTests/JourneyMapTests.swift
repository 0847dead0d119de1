#if canImport(FoundationXML)
import FoundationXML
#endif
import CXCore
import CXSurveys
import Foundation
import Testing

@Suite("Experience maps")
struct JourneyMapTests {
    let definition: InitiativeDefinition = {
        let document: Document = .map([
            "personas": .list([.map(["name": .string("Chị Mai"), "description": .string("Tóc mỏng & ngại hỏi <trực tiếp>")])]),
            "priorities": .list([.string("checkout")]),
            "journey": .map([
                "stages": .list([.string("Tìm hiểu"), .string("Mua hàng")]),
                "actions": .map(["Mua hàng": .string("Chọn mẫu: thanh toán")]),
                "emotions": .map(["Tìm hiểu": .string("neutral"), "Mua hàng": .string("positive")]),
                "pain_points": .map(["Mua hàng": .list([.string("Xếp hàng chờ")])]),
                "solutions": .map(["Mua hàng": .list([.string("Máy POS di động")])]),
            ]),
        ])
        return InitiativeDefinition(
            id: "pos", title: "Điểm bán", workflow: "w", roles: [:], start: LocalDate(year: 2026, month: 12, day: 1),
            document: document, sourcePath: "pos.yaml", stages: ["Tìm hiểu", "Mua hàng"],
            touchpoints: [
                Touchpoint(id: "reviews", name: "Đánh giá Facebook", stage: "Tìm hiểu", channel: "social", controlled: false),
                Touchpoint(id: "checkout", name: "Thanh toán | quầy", stage: "Mua hàng", channel: "store", controlled: true),
            ])
    }()

    @Test func answersOverrideThePlannedEmotionsAndSelectedTouchpointsAreMarked() {
        let map = JourneyMap(definition: definition, emotions: ["checkout": EmotionCounts(positive: 1, negative: 4)])
        #expect(map.stages.map(\.name) == ["Tìm hiểu", "Mua hàng"])
        #expect(map.stages[1].emotion == .negative)
        #expect(map.stages[1].emotionSource == "survey")
        #expect(map.stages[0].emotion == .neutral)
        #expect(map.stages[0].emotionSource == "plan")
        #expect(map.stages[1].touchpoints.map(\.selected) == [true])
    }

    @Test func markdownHasOneColumnPerStageAndEscapesPipes() {
        let markdown = JourneyMap(definition: definition).markdown()
        #expect(markdown.contains("| | Tìm hiểu | Mua hàng |"))
        #expect(markdown.contains("| **Touchpoints** | Đánh giá Facebook (social) | **★ Thanh toán \\| quầy** (store) |"))
        #expect(markdown.contains("| **Pain points** |  | Xếp hàng chờ |"))
    }

    @Test func mermaidUsesTheJourneyDiagramSyntax() {
        let mermaid = JourneyMap(definition: definition).mermaid()
        #expect(mermaid == """
            journey
              title Điểm bán
              section Tìm hiểu
                Đánh giá Facebook: 3: Chị Mai
              section Mua hàng
                Thanh toán | quầy ★: 5: Chị Mai

            """)
    }

    @Test func svgIsWellFormedXMLWithEveryLane() throws {
        let svg = JourneyMap(definition: definition).svg()
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        for lane in ["Customer actions", "Touchpoints", "Emotions", "Pain points", "Solutions", "★ Thanh toán | quầy",
                     "Tóc mỏng &amp; ngại hỏi &lt;trực tiếp&gt;"] {
            #expect(svg.contains(lane), "missing \(lane)")
        }
    }
}
