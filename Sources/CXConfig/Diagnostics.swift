import Yams

/// A position in a file, for problems that are not about a YAML node (a missing file is
/// reported where its path was written).
struct SourceLocation: Sendable, Equatable {
    var file: String
    var line: Int
    var column: Int

    static func start(of file: String) -> SourceLocation { SourceLocation(file: file, line: 1, column: 1) }
}

/// Collects every problem found while loading; sorted by file, line and column at the end.
final class DiagnosticLog {
    private var entries: [Diagnostic] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    func add(_ message: String, at location: SourceLocation) {
        entries.append(Diagnostic(file: location.file, line: location.line, column: location.column, message: message))
    }

    /// By file, then line, then column; problems at the same place keep the order they were found.
    var sorted: [Diagnostic] {
        entries.enumerated().sorted { lhs, rhs in
            let (a, b) = (lhs.element, rhs.element)
            if a.file != b.file { return a.file < b.file }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}

/// One YAML file being read: where its problems are reported.
struct SourceFile {
    /// The path shown in diagnostics.
    let path: String
    let log: DiagnosticLog

    func location(of node: Node) -> SourceLocation { location(of: node.mark) }

    func location(of mark: Mark?) -> SourceLocation {
        guard let mark else { return .start(of: path) }
        return SourceLocation(file: path, line: max(1, mark.line), column: max(1, mark.column))
    }

    func error(_ message: String, at node: Node) { log.add(message, at: location(of: node)) }

    func error(_ message: String, at mark: Mark?) { log.add(message, at: location(of: mark)) }

    /// `file:line:column`, for messages that point at another place ("first at …").
    func reference(to node: Node) -> String {
        let location = location(of: node)
        return "\(location.file):\(location.line):\(location.column)"
    }
}
