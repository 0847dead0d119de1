import Foundation
import CXCore

extension JourneyMap {
    static func symbol(_ emotion: Emotion?) -> String {
        switch emotion {
        case .positive: return "🙂 positive"
        case .neutral: return "😐 neutral"
        case .negative: return "🙁 negative"
        case nil: return "–"
        }
    }

    /// A Markdown table: one column per stage, one row per lane.
    public func markdown() -> String {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var lines = ["# \(cell(title))", ""]
        if !personas.isEmpty {
            lines.append("Personas: " + personas.map { "**\(cell($0.name))** (\(cell($0.description)))" }.joined(separator: "; "))
            lines.append("")
        }
        lines.append("| | " + stages.map { cell($0.name) }.joined(separator: " | ") + " |")
        lines.append("|---|" + stages.map { _ in "---|" }.joined())
        func row(_ name: String, _ value: (Stage) -> String) {
            lines.append("| **\(name)** | " + stages.map { cell(value($0)) }.joined(separator: " | ") + " |")
        }
        row("Actions") { $0.action ?? "" }
        row("Touchpoints") { stage in
            stage.touchpoints.map { ($0.selected ? "**★ \($0.name)**" : $0.name) + ($0.channel.map { " (\($0))" } ?? "") }
                .joined(separator: "<br>")
        }
        row("Emotions") { stage in
            Self.symbol(stage.emotion) + (stage.emotionSource == "survey" ? " (survey)" : "")
        }
        row("Pain points") { $0.painPoints.joined(separator: "<br>") }
        row("Solutions") { $0.solutions.joined(separator: "<br>") }
        lines.append("")
        lines.append("★ = touchpoint selected for improvement (step 5).")
        return lines.joined(separator: "\n") + "\n"
    }

    static func score(_ emotion: Emotion?) -> Int {
        switch emotion {
        case .positive: return 5
        case .negative: return 1
        case .neutral, nil: return 3
        }
    }
}
