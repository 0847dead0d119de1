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

    // MARK: Names that break the formats

    /// A map whose title, stage, touchpoint (selected), action and first persona all carry `name`.
    static func map(named name: String, painPoint: String = "") -> JourneyMap {
        let document: Document = .map([
            "personas": .list([
                .map(["name": .string(name), "description": .string(name)]), .map(["name": .string("Second")]),
            ]),
            "priorities": .list([.string("t")]),
            "journey": .map([
                "actions": .map(["Other": .string(name)]),
                "pain_points": .map(["Other": .list([.string(painPoint)])]),
            ]),
        ])
        let definition = InitiativeDefinition(
            id: "x", title: name, workflow: "w", roles: [:], start: LocalDate(year: 2026, month: 12, day: 1),
            document: document, sourcePath: "x.yaml", stages: [name, "Other"],
            touchpoints: [Touchpoint(id: "t", name: name, stage: name, channel: "store", controlled: false)])
        return JourneyMap(definition: definition)
    }

    /// The name as a one-line label shows it: control characters and line separators as spaces,
    /// the ends trimmed.
    static func oneLine(_ name: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            view.append(scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : scalar)
        }
        return String(view).trimmingCharacters(in: .whitespaces)
    }

    static let awkwardNames = [
        "Plan; then buy", "Step: pay", "#1 choice", "line one\nline two", "CRLF\r\nend", "sep\u{2028}arated",
        "title of the shop", "Title\tcase", "section A", "SECTION: b", "Journey planner", "journeyman", "accTitle",
        "accTitle: x", "accDescr: y", "accDescr {z}", "100%% sure", "%%{init: {}}%%", "%% comment", "ﬂ°°59¶ß", "&#59; literal",
        "#59; literal", "#quot;", "<br>break", "a <b class=\"x\">bold</b>", "style x:#f00;", "classDef a:#fff;",
        "Chị Mai, the regular", "Thanh toán | quầy", "", "   ", "\u{0}\u{1}\u{7F}\u{85}",
        (0...31).map { String(UnicodeScalar(UInt8($0))) }.joined() + "all C0",
    ]

    /// Every name parses in Mermaid's journey grammar and shows as written (on one line).
    @Test(arguments: awkwardNames)
    func mermaidNamesParseAndShowAsWritten(_ name: String) throws {
        let source = Self.map(named: name).mermaid()
        let diagram = try MermaidJourneyModel.parse(source)
        let shown = Self.oneLine(name)
        let named = shown.isEmpty ? "–" : shown
        #expect(diagram.title == (shown.isEmpty ? nil : shown), "\(source)")
        #expect(diagram.sections == [named, "Other"], "\(source)")
        let actors: [String] = [named, "Second"]
        let touchpoint = MermaidJourneyModel.Task(name: shown.isEmpty ? "★" : shown + " ★", score: 3, actors: actors)
        let action = MermaidJourneyModel.Task(name: named, score: 3, actors: actors)
        #expect(diagram.tasks == [touchpoint, action], "\(source)")
    }

    /// The model is not lenient: the unescaped names break it exactly as the issue reports.
    @Test func theMermaidModelRejectsWhatMermaidRejects() {
        #expect(throws: MermaidJourneyModel.ParseError.self) {
            try MermaidJourneyModel.parse("journey\n  title A; B\n  section S\n    T: 3: Me\n")
        }
        #expect(throws: MermaidJourneyModel.ParseError.self) {
            try MermaidJourneyModel.parse("journey\n  section S\n    Journey planner: 3: Me\n")
        }
        #expect(throws: MermaidJourneyModel.ParseError.self) {
            try MermaidJourneyModel.parse("journey\n  section S: x\n    T: 3: Me\n")
        }
    }

    /// Texts and tooltips of an SVG, read by a real XML parser (libxml2 through FoundationXML).
    final class SVGReader: NSObject, XMLParserDelegate {
        struct Label {
            var x: Double
            var text: String
        }

        var labels: [Label] = []
        var tooltips: [String] = []
        private var label: Label?
        private var tooltip: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            if elementName == "text" { label = Label(x: Double(attributeDict["x"] ?? "") ?? -1, text: "") }
            if elementName == "title" { tooltip = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if tooltip != nil { tooltip? += string } else { label?.text += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            if elementName == "title", let tooltip { tooltips.append(tooltip); self.tooltip = nil }
            if elementName == "text", let label { labels.append(label); self.label = nil }
        }
    }

    static func read(_ svg: String) -> (SVGReader, Bool, String) {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        let ok = parser.parse()
        return (reader, ok, String(describing: parser.parserError))
    }

    static let longName = String(repeating: "Tiếp nhận khách tại quầy lễ tân ", count: 7).prefix(200).description
    static let longWord = String(repeating: "Quầy", count: 50)

    /// Every ASCII control character, the XML specials, C1 controls, non-characters and
    /// 200-character names: the SVG stays well-formed.
    @Test(arguments: awkwardNames + [
        "<&>\"'", "a & b < c > d \"e\" 'f'", "\u{80}\u{9F}\u{FFFE}\u{FFFF}", longName, longWord,
    ])
    func svgIsWellFormedWhateverTheNames(_ name: String) {
        let (reader, ok, error) = Self.read(Self.map(named: name, painPoint: name).svg())
        #expect(ok, "\(error)")
        #expect(reader.labels.contains { $0.text.contains("Customer actions") })
    }

    /// Long names wrap or shorten to their boxes (at most 27 characters per line in a stage
    /// column), and a shortened name keeps its full text in a tooltip.
    @Test(arguments: [longName, longWord])
    func longNamesStayInTheirBoxesWithTheFullNameInATooltip(_ name: String) {
        let map = Self.map(named: name, painPoint: name)
        let svg = map.svg()
        let (reader, ok, error) = Self.read(svg)
        #expect(ok, "\(error)")
        let columnsStart = 20.0 + 150
        for label in reader.labels where label.x >= columnsStart {
            #expect(label.text.count <= 27, "\(label.text)")
        }
        // The title and personas stay inside the picture (about 7.5 px per character at 12 px).
        let width = Double(svg.firstMatch(of: /width="([0-9]+)"/).map { String($0.1) } ?? "") ?? 0
        for label in reader.labels where label.x < columnsStart {
            #expect(Double(label.text.count) * 7.5 <= width - 40, "\(label.text)")
        }
        // Shortened: the touchpoint (three lines), the stage header, the title, the persona.
        #expect(reader.tooltips.filter { $0 == name }.count >= 3)
        #expect(reader.tooltips.contains { $0.hasPrefix("👤 \(name)") })
        // Wrapped, not shortened: the action and the pain point, every character of them.
        let shownWords = reader.labels.filter { $0.x >= columnsStart }.map(\.text).joined(separator: " ")
        #expect(shownWords.replacingOccurrences(of: " ", with: "").contains(name.replacingOccurrences(of: " ", with: "")))
    }
}
