import Foundation

/// What Mermaid makes of a `journey` diagram, modelled on its source (mermaid-js/mermaid at
/// df032c9, April 2026) so the tests can check that every name parses and shows as written:
///
/// - `preprocess.ts`/`comments.ts`: lines starting with `%%` are removed;
/// - `utils.ts` `encodeEntities`: `#<word>;` becomes a placeholder before parsing (and two
///   `style`/`classDef` rules drop a trailing `;`), `decodeEntities` turns placeholders into
///   character references in the rendered SVG, where d3 had escaped the text;
/// - `user-journey/parser/journey.jison`: the lexer's rules in order, first match wins,
///   case-insensitive, and the grammar `journey (NEWLINE | title | section | taskName taskData)*`;
/// - `journeyDb.js` `addTask`: the data after `:` splits on `:` into score and actors, the
///   actors on `,`.
enum MermaidJourneyModel {
    struct Task: Equatable, CustomStringConvertible {
        var name: String
        var score: Double
        var actors: [String]
        var description: String { "\(name): \(score): \(actors)" }
    }

    struct Diagram: Equatable {
        var title: String?
        var sections: [String] = []
        var tasks: [Task] = []
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    private enum Kind { case skip, newline, journey, title, accessibility, section, taskName, taskData, colon, invalid }

    /// The patterns are constants of this file.
    private static func regex(_ pattern: String, _ options: NSRegularExpression.Options = []) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: options)
    }

    /// The INITIAL-state rules of journey.jison, in order.
    private static var rules: [(NSRegularExpression, Kind)] {
        let patterns: [(String, Kind)] = [
            (#"%%(?!\{)[^\n]*"#, .skip), (#"[^\}]%%[^\n]*"#, .skip), (#"[\n]+"#, .newline), (#"\s+"#, .skip),
            (#"#[^\n]*"#, .skip), (#"journey"#, .journey), (#"title\s[^#\n;]+"#, .title),
            (#"accTitle\s*:\s*"#, .accessibility), (#"accDescr\s*:\s*"#, .accessibility), (#"accDescr\s*\{\s*"#, .accessibility),
            (#"section\s[^#:\n;]+"#, .section), (#"[^#:\n;]+"#, .taskName), (#":[^#\n;]+"#, .taskData), (#":"#, .colon),
            (#"."#, .invalid),
        ]
        return patterns.map { (regex($0.0, [.caseInsensitive]), $0.1) }
    }

    /// Parses `source` as Mermaid would, names as they show in the picture.
    static func parse(_ source: String) throws -> Diagram {
        let text = encodeEntities(removeComments(source)) + "\n"
        let tokens = try lex(text)
        guard tokens.first?.kind == .journey else { throw ParseError(description: "does not start with journey") }
        var diagram = Diagram()
        var index = 1
        while index < tokens.count {
            let (kind, value) = tokens[index]
            switch kind {
            case .newline: break
            case .title: diagram.title = shown(String(value.dropFirst(6))).trimmingCharacters(in: .whitespaces)
            case .section: diagram.sections.append(shown(String(value.dropFirst(8))).trimmingCharacters(in: .whitespaces))
            case .taskName:
                guard index + 1 < tokens.count, tokens[index + 1].kind == .taskData else {
                    throw ParseError(description: "task \(value.debugDescription) without data")
                }
                let pieces = tokens[index + 1].value.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
                let actors = pieces.count > 1 ? pieces[1].split(separator: ",", omittingEmptySubsequences: false) : []
                diagram.tasks.append(Task(
                    name: shown(value).trimmingCharacters(in: .whitespaces), score: Double(pieces[0].trimmingCharacters(in: .whitespaces)) ?? .nan,
                    actors: actors.map { shown($0.trimmingCharacters(in: .whitespaces)) }))
                index += 1
            default:
                throw ParseError(description: "unexpected \(kind) \(value.debugDescription)")
            }
            index += 1
        }
        return diagram
    }

    private static func lex(_ text: String) throws -> [(kind: Kind, value: String)] {
        let whole = text as NSString
        let rules = Self.rules
        var location = 0
        var tokens: [(kind: Kind, value: String)] = []
        while location < whole.length {
            let range = NSRange(location: location, length: whole.length - location)
            let found = rules.lazy.compactMap { entry in
                entry.0.firstMatch(in: text, options: .anchored, range: range).map { ($0, entry.1) }
            }.first
            guard let found, found.0.range.length > 0 else { throw ParseError(description: "no rule matches at \(location)") }
            let (match, kind) = found
            if kind != .skip { tokens.append((kind, whole.substring(with: match.range))) }
            location += match.range.length
        }
        return tokens
    }

    private static func removeComments(_ text: String) -> String {
        regex(#"^\s*%%(?!\{)[^\n]+\n?"#, .anchorsMatchLines).stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
    }

    private static func encodeEntities(_ text: String) -> String {
        var out = text
        for rule in [#"style.*:\S*#.*;"#, #"classDef.*:\S*#.*;"#] {
            out = replace(rule, in: out) { String($0.dropLast()) }
        }
        return replace(#"#[A-Za-z0-9_]+;"#, in: out) { entity in
            let inner = String(entity.dropFirst().dropLast())
            let prefix = inner.allSatisfy(\.isASCII) && inner.allSatisfy(\.isNumber) ? "ﬂ°°" : "ﬂ°"
            return prefix + inner + "¶ß"
        }
    }

    /// The text the picture shows: d3 escapes it into the SVG, `decodeEntities` turns the
    /// placeholders into references, and the SVG reader resolves the references.
    static func shown(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let decoded = escaped.replacingOccurrences(of: "ﬂ°°", with: "&#").replacingOccurrences(of: "ﬂ°", with: "&")
            .replacingOccurrences(of: "¶ß", with: ";")
        let resolved = replace(#"&#([0-9]+);"#, in: decoded) { reference in
            UInt32(reference.dropFirst(2).dropLast()).flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? reference
        }
        return resolved.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func replace(_ pattern: String, in text: String, with transform: (String) -> String) -> String {
        let expression = regex(pattern)
        var out = ""
        var last = text.startIndex
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            out += String(text[last..<range.lowerBound])
            out += transform(String(text[range]))
            last = range.upperBound
        }
        return out + String(text[last...])
    }
}
