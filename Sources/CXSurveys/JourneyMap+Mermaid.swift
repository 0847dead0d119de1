import CXCore
import Foundation

extension JourneyMap {
    /// Mermaid's `journey` diagram: a section per stage, a task per touchpoint scored 1–5 by
    /// its emotion (positive 5, neutral 3, negative 1), with the personas as actors. Every name
    /// is made safe for the diagram's lexer (`MermaidJourneyText`), so any title, stage,
    /// touchpoint or persona name parses and renders as written.
    public func mermaid() -> String {
        let actors = personas.isEmpty
            ? "Customer" : personas.map { MermaidJourneyText.actor($0.name) }.joined(separator: ", ")
        var lines = ["journey"]
        let heading = MermaidJourneyText.title(title)
        if !heading.isEmpty { lines.append("  title \(heading)") }
        for stage in stages {
            lines.append("  section \(MermaidJourneyText.section(stage.name))")
            let tasks = stage.touchpoints.isEmpty && stage.action != nil
                ? [(stage.action ?? "", stage.emotion)]
                : stage.touchpoints.map {
                    ($0.name + ($0.selected ? " ★" : ""), Self.dominant($0.emotions ?? EmotionCounts()) ?? stage.emotion)
                }
            for (task, emotion) in tasks {
                lines.append("    \(MermaidJourneyText.task(task)): \(Self.score(emotion)): \(actors)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Names written into Mermaid's `journey` grammar
/// (packages/mermaid/src/diagrams/user-journey/parser/journey.jison). Its lexer has no quoting:
///
/// - `#` starts a comment, `%%` too; `;` and a line break end a title, section or task; `:`
///   ends a section or task name (it separates a task from its score and actors), and `,`
///   separates actors.
/// - Keywords are matched at the start of a token, case-insensitively and before task names:
///   a task named "Journey planner" lexes as `journey`, "title …" and "section …" as a title
///   or section, "accTitle"/"accDescr" (followed by the task's `:`) as accessibility text.
///
/// Mermaid's own escape works in every diagram: before parsing it turns `#<code>;` into a
/// placeholder the lexer reads as plain text, and after rendering into the character
/// reference `&#<code>;`. So each reserved character becomes `#<decimal code>;`, as does the
/// first letter of a task name that begins with a keyword; `<` too (Mermaid rewrites quotes
/// inside anything that looks like an HTML tag, and splits labels at `<br>`), and the two
/// characters of Mermaid's placeholder (`ﬂ`, `¶`), which its decoding would otherwise
/// rewrite. Control characters and line separators become spaces.
enum MermaidJourneyText {
    /// Characters written as `#<code>;` wherever they appear.
    static let reserved: Set<Character> = ["#", ";", ":", "%", "<", "ﬂ", "¶"]
    /// Keywords the lexer tries before a task name (compared case-insensitively).
    static let keywords = ["journey", "title", "section", "acctitle", "accdescr"]
    /// Stands in for a name that is empty once cleaned (the grammar needs some text).
    static let placeholder = "–"

    static func title(_ text: String) -> String { escape(text) }

    static func section(_ text: String) -> String { nonEmpty(escape(text)) }

    static func task(_ text: String) -> String {
        let escaped = escape(text)
        guard let first = escaped.unicodeScalars.first,
              keywords.contains(where: { escaped.lowercased().hasPrefix($0) }) else { return nonEmpty(escaped) }
        return "#\(first.value);" + String(escaped.unicodeScalars.dropFirst())
    }

    /// An actor: actors are separated by `,`, so it is escaped there too.
    static func actor(_ text: String) -> String { nonEmpty(escape(text, also: [","])) }

    /// The text with control characters as spaces, trimmed, reserved characters as `#<code>;`.
    static func escape(_ text: String, also extra: Set<Character> = []) -> String {
        var out = ""
        for character in singleLine(text) {
            if reserved.contains(character) || extra.contains(character) {
                out += character.unicodeScalars.map { "#\($0.value);" }.joined()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// The text on one line (`JourneyMap.oneLine`), the ends trimmed.
    static func singleLine(_ text: String) -> String {
        JourneyMap.oneLine(text).trimmingCharacters(in: .whitespaces)
    }

    private static func nonEmpty(_ text: String) -> String { text.isEmpty ? placeholder : text }
}
