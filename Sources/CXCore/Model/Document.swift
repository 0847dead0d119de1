/// The initiative document: the whole YAML tree of an initiative file, kept as data so that a
/// workflow's `requires:` paths (`goal.target`, `journey.stages`) can be checked against it.
public indirect enum Document: Codable, Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Document])
    case map([String: Document])

    /// The value at a dotted path (`goal.target`), or nil when a segment is absent.
    public func value(at path: String) -> Document? {
        var current: Document = self
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .map(let entries) = current, let next = entries[String(segment)] else {
                return nil
            }
            current = next
        }
        return current
    }

    /// Null, an empty or blank string, an empty list or map: nothing was recorded.
    public var isEmpty: Bool {
        switch self {
        case .null: return true
        case .bool, .number: return false
        case .string(let text): return text.allSatisfy(\.isWhitespace)
        case .list(let items): return items.isEmpty
        case .map(let entries): return entries.isEmpty
        }
    }

    /// The paths among `paths` whose value is absent or empty, in the order given.
    public func missing(_ paths: [String]) -> [String] {
        paths.filter { value(at: $0)?.isEmpty ?? true }
    }

    public var stringValue: String? {
        switch self {
        case .string(let text): return text
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): return String(flag)
        default: return nil
        }
    }

    public var listValue: [Document]? {
        if case .list(let items) = self { return items }
        return nil
    }
}
