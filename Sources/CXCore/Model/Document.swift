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

extension Document {
    /// Plain JSON (`{"goal":{"target":35}}`), not the tagged form a synthesized conformance
    /// would write: the store keeps every initiative's document, and reads them back often.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // The most frequent kinds first: each failed attempt throws, which is what costs.
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let entries = try? container.decode([String: Document].self) {
            self = .map(entries)
        } else if let items = try? container.decode([Document].self) {
            self = .list(items)
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .list(let items): try container.encode(items)
        case .map(let entries): try container.encode(entries)
        }
    }
}
