import CXCore
import Foundation

/// The experience map of an initiative (seeds/002, seeds/003): stages as columns; lanes for
/// customer actions, touchpoints, emotions, pain points and solutions; the touchpoints chosen
/// in step 5 highlighted; personas listed.
public struct JourneyMap: Sendable, Equatable {
    public struct Stage: Sendable, Equatable {
        public var name: String
        public var action: String?
        public var touchpoints: [TouchpointCell]
        public var emotion: Emotion?
        /// `survey` when the emotion comes from answers, `plan` when from the YAML.
        public var emotionSource: String?
        public var painPoints: [String]
        public var solutions: [String]
    }

    public struct TouchpointCell: Sendable, Equatable {
        public var id: String
        public var name: String
        public var channel: String?
        public var controlled: Bool?
        /// Chosen for improvement (listed under `priorities:`).
        public var selected: Bool
        public var emotions: EmotionCounts?
    }

    public var title: String
    public var personas: [(name: String, description: String)]
    public var stages: [Stage]

    public static func == (lhs: JourneyMap, rhs: JourneyMap) -> Bool {
        lhs.title == rhs.title && lhs.stages == rhs.stages
            && lhs.personas.map(\.name) == rhs.personas.map(\.name)
            && lhs.personas.map(\.description) == rhs.personas.map(\.description)
    }

    /// Builds the map from the initiative and, when there are answers, their emotions per
    /// touchpoint (which then override the planned emotions of the YAML).
    public init(definition: InitiativeDefinition, emotions: [String: EmotionCounts] = [:]) {
        title = definition.title
        let document = definition.document
        personas = (document.value(at: "personas")?.listValue ?? []).compactMap { persona in
            guard let name = persona.value(at: "name")?.stringValue else { return nil }
            return (name, persona.value(at: "description")?.stringValue ?? "")
        }
        let priorities = Set((document.value(at: "priorities")?.listValue ?? []).compactMap(\.stringValue))
        var stageNames = definition.stages
        for touchpoint in definition.touchpoints {
            if let stage = touchpoint.stage, !stageNames.contains(stage) { stageNames.append(stage) }
        }
        stages = stageNames.map { name in
            func lane(_ key: String) -> Document? {
                guard case .map(let entries)? = document.value(at: "journey.\(key)") else { return nil }
                return entries[name]
            }
            let cells = definition.touchpoints.filter { $0.stage == name }.map { touchpoint in
                TouchpointCell(
                    id: touchpoint.id, name: touchpoint.name, channel: touchpoint.channel, controlled: touchpoint.controlled,
                    selected: priorities.contains(touchpoint.id), emotions: emotions[touchpoint.id])
            }
            var counts = EmotionCounts()
            for cell in cells { if let e = cell.emotions { counts = counts + e } }
            let measured = JourneyMap.dominant(counts)
            let planned = lane("emotions")?.stringValue.flatMap(Emotion.init(rawValue:))
            return Stage(
                name: name, action: lane("actions")?.stringValue, touchpoints: cells, emotion: measured ?? planned,
                emotionSource: measured != nil ? "survey" : (planned != nil ? "plan" : nil),
                painPoints: lane("pain_points")?.listValue?.compactMap(\.stringValue) ?? [],
                solutions: lane("solutions")?.listValue?.compactMap(\.stringValue) ?? [])
        }
    }

    /// The emotion most answers expressed; ties lean negative (a pain point is worth seeing).
    static func dominant(_ counts: EmotionCounts) -> Emotion? {
        let expressed = counts.positive + counts.neutral + counts.negative
        guard expressed > 0 else { return nil }
        if counts.negative >= counts.positive && counts.negative >= counts.neutral { return .negative }
        if counts.neutral >= counts.positive { return .neutral }
        return .positive
    }
}

extension JourneyMap {
    /// `text` on one line, as every label of the map is drawn: control characters (C0, DEL, C1)
    /// and the Unicode line and paragraph separators become spaces.
    static func oneLine(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let breaksTheLine = scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
            view.append(breaksTheLine ? " " : scalar)
        }
        return String(view)
    }
}
