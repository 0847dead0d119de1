import Mustache

/// What swift-mustache's parser errors mean, in words a template author understands.
///
/// Its `overflow` (an internal `Parser.Error`) is thrown when the parser reaches the end of the
/// text in the middle of a tag: `{{name` or `{{name}` without `}}`, a `{{! comment` that never
/// ends, a `{{{name}}` missing its third brace. It says nothing about depth or size.
enum MustacheProblem: Equatable, CustomStringConvertible {
    case unfinishedTag
    case closedWithAnotherName
    case unfinishedName
    case sectionNotClosed
    case invalidDelimiters
    case invalidPragma
    case unknownPragma
    case inheritance
    case other(String)

    init(_ error: any Error) {
        guard let known = error as? MustacheTemplate.Error else {
            // Parser.Error is internal to swift-mustache; its only case prints as "overflow".
            self = "\(error)" == "overflow" ? .unfinishedTag : .other("\(error)")
            return
        }
        switch known {
        case .sectionCloseNameIncorrect: self = .closedWithAnotherName
        case .unfinishedName: self = .unfinishedName
        case .expectedSectionEnd: self = .sectionNotClosed
        case .invalidSetDelimiter: self = .invalidDelimiters
        case .invalidConfigVariableSyntax: self = .invalidPragma
        case .unrecognisedConfigVariable: self = .unknownPragma
        case .transformAppliedToInheritanceSection, .illegalTokenInsideInheritSection, .textInsideInheritSection: self = .inheritance
        }
    }

    var description: String {
        switch self {
        case .unfinishedTag:
            "the template ends inside a tag: this '{{' is never closed with '}}' (or a '{{!' comment never ends)"
        case .closedWithAnotherName:
            "this '{{/name}}' closes a section that was opened with another name (or was never opened)"
        case .unfinishedName:
            "a tag is not finished: expected a name (letters, digits, '.', '_', '-') and then '}}'"
        case .sectionNotClosed:
            "a section is never closed: every '{{#name}}' or '{{^name}}' needs its '{{/name}}'"
        case .invalidDelimiters:
            "invalid set-delimiter tag: write it like {{=<% %>=}}"
        case .invalidPragma:
            "invalid pragma: write it like {{% CONTENT_TYPE: TEXT}}"
        case .unknownPragma:
            "unknown pragma (only CONTENT_TYPE is known)"
        case .inheritance:
            "template inheritance ({{<partial}} with {{$block}}) is not supported here"
        case .other(let text):
            text
        }
    }

    /// Line and column of the first `{{` that no `}}` follows anywhere after it: the tag an
    /// `unfinishedTag` error is about (templates that change their delimiters aside).
    static func unclosedTag(in source: String) -> (line: Int, column: Int)? {
        let lastClose = source.ranges(of: "}}").last?.upperBound ?? source.startIndex
        let open = source.ranges(of: "{{").first { $0.lowerBound >= lastClose }
        return open.map { position(of: $0.lowerBound, in: source) }
    }

    private static func position(of index: String.Index, in source: String) -> (line: Int, column: Int) {
        let before = source[..<index]
        let line = before.count(where: \.isNewline) + 1
        let lineStart = before.lastIndex(where: \.isNewline).map { source.index(after: $0) } ?? source.startIndex
        return (line, source[lineStart..<index].count + 1)
    }
}
