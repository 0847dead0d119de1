import CXCore
import Yams

/// Typed access to YAML nodes that reports every mismatch to the file's log and returns nil.
extension SourceFile {
    /// How a node reads in "found …": `'soon'`, `the number 12`, `a list`, `nothing`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch ScalarResolver.tagName(of: node) {
            case .null: return "nothing"
            case .bool: return "the boolean \(scalar.string)"
            case .int, .float: return "the number \(scalar.string)"
            default: return "'\(scalar.string)'"
            }
        }
    }

    func mismatch(_ expected: String, _ node: Node) {
        error("expected \(expected), found \(Self.describe(node))", at: node)
    }

    /// A string scalar: quoted, or plain text that YAML does not read as a number, boolean or null.
    func string(_ node: Node, _ expected: String = "a string") -> String? {
        if case .scalar(let scalar) = node, ScalarResolver.tagName(of: node) == .str || ScalarResolver.tagName(of: node) == .timestamp {
            return scalar.string
        }
        mismatch(expected, node)
        return nil
    }

    /// The raw text of any non-null scalar: durations, dates and times are written unquoted
    /// and YAML may read them as numbers (`17:30` is a base-60 integer in YAML 1.1).
    func text(_ node: Node, _ expected: String) -> String? {
        if case .scalar(let scalar) = node, ScalarResolver.tagName(of: node) != .null { return scalar.string }
        mismatch(expected, node)
        return nil
    }

    func integer(_ node: Node, atLeast minimum: Int? = nil) -> Int? {
        if ScalarResolver.tagName(of: node) == .int, let value = node.int, value >= minimum ?? value { return value }
        mismatch(minimum.map { "a whole number ≥ \($0)" } ?? "a whole number", node)
        return nil
    }

    func number(_ node: Node) -> Double? {
        if ScalarResolver.tagName(of: node) == .int, let value = node.int { return Double(value) }
        if ScalarResolver.tagName(of: node) == .float, let value = node.float, value.isFinite { return value }
        mismatch("a number", node)
        return nil
    }

    func bool(_ node: Node) -> Bool? {
        if ScalarResolver.tagName(of: node) == .bool, let value = node.bool { return value }
        mismatch("true or false", node)
        return nil
    }

    func duration(_ node: Node) -> WorkDuration? {
        let expected = "a duration like 4h, 3d, 2w or 5bd"
        guard let text = text(node, expected) else { return nil }
        if let duration = WorkDuration(parsing: text) { return duration }
        mismatch(expected, node)
        return nil
    }

    func date(_ node: Node) -> LocalDate? {
        let expected = "a date YYYY-MM-DD"
        guard let text = text(node, expected) else { return nil }
        if let date = LocalDate(parsing: text) { return date }
        mismatch(expected, node)
        return nil
    }

    func time(_ node: Node) -> TimeOfDay? {
        let expected = "a time HH:MM"
        guard let text = text(node, expected) else { return nil }
        if let time = TimeOfDay(parsing: text) { return time }
        mismatch(expected, node)
        return nil
    }

    /// The items of a list; `what` names them in the message ("a list of dates").
    func list(_ node: Node, of what: String) -> [Node]? {
        if case .sequence(let sequence) = node { return Array(sequence) }
        mismatch("a list of \(what)", node)
        return nil
    }

    /// A list of strings; nil if the node is not a list, wrong items are reported and dropped.
    func stringList(_ node: Node, of what: String = "strings") -> [(String, Node)]? {
        guard let items = list(node, of: what) else { return nil }
        return items.compactMap { item in string(item).map { ($0, item) } }
    }

    /// `{en: …, vi: …}`: a text in at least one supported locale; a locale left out falls back
    /// to the other (`LocalizedText.text(for:)`), so a Vietnamese-only workflow is fine.
    func localizedText(_ node: Node) -> LocalizedText? {
        guard let reader = MappingReader(node, in: self, expected: "a mapping of locale to text (en, vi)") else {
            return nil
        }
        var values: [String: String] = [:]
        for entry in reader.entries {
            guard PeopleParser.supportedLocales.contains(entry.key) else {
                error(
                    "unsupported locale '\(entry.key)' (supported: \(PeopleParser.supportedLocales.joined(separator: ", ")))",
                    at: entry.keyNode)
                continue
            }
            if let text = string(entry.value) { values[entry.key] = text }
        }
        if reader.entries.isEmpty {
            error("expected a text in at least one of \(PeopleParser.supportedLocales.joined(separator: ", "))", at: node)
        }
        return LocalizedText(values)
    }
}

extension MappingReader {
    /// The `id` a file or list entry declares, read quietly: when the entry has problems its id
    /// is still known, so references to it are not reported as unknown as well.
    static func declaredID(_ node: Node) -> String? {
        guard case .mapping(let mapping) = node, let id = mapping["id"], case .scalar(let scalar) = id else { return nil }
        return scalar.string
    }
}

/// Reads one YAML mapping: hands out values by key, reports missing required keys at the
/// mapping and, in `finish()`, keys nobody asked for (with a did-you-mean suggestion).
struct MappingReader {
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    let node: Node
    let file: SourceFile
    let entries: [Entry]
    private var used: Set<String> = []
    private var asked: [String] = []

    /// Nil (after reporting) when `node` is not a mapping.
    init?(_ node: Node, in file: SourceFile, expected: String = "a mapping") {
        guard case .mapping(let mapping) = node else {
            file.mismatch(expected, node)
            return nil
        }
        self.node = node
        self.file = file
        var entries: [Entry] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                file.error("expected a key name, found \(SourceFile.describe(key))", at: key)
                continue
            }
            entries.append(Entry(key: scalar.string, keyNode: key, value: value))
        }
        self.entries = entries
    }

    /// The value of `key` (nil, silently, when absent); null values count as absent.
    mutating func optional(_ key: String) -> Node? {
        asked.append(key)
        used.insert(key)
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case .scalar = entry.value, ScalarResolver.tagName(of: entry.value) == .null { return nil }
        return entry.value
    }

    /// The value of `key`; reports `missing required key` at the mapping when absent or null.
    mutating func required(_ key: String) -> Node? {
        if let value = optional(key) { return value }
        file.error("missing required key '\(key)'", at: node)
        return nil
    }

    /// The key node of `key`, for diagnostics that point at a key.
    func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }

    mutating func markUsed(_ key: String) { used.insert(key) }

    /// Reports every key that was never asked for.
    func finish() {
        for entry in entries where !used.contains(entry.key) {
            file.error(DidYouMean.unknown("key", entry.key, among: asked), at: entry.keyNode)
        }
    }
}

/// Converts a composed node into a generic `Document` (limits were enforced beforehand).
enum DocumentConverter {
    static func convert(_ node: Node) -> Document {
        switch node {
        case .alias: return .null
        case .scalar(let scalar):
            switch ScalarResolver.tagName(of: node) {
            case .null: return .null
            case .bool: return node.bool.map(Document.bool) ?? .string(scalar.string)
            case .int: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(Document.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .list(sequence.map(convert))
        case .mapping(let mapping):
            var entries: [String: Document] = [:]
            for (key, value) in mapping {
                entries[key.scalar?.string ?? "\(key)"] = convert(value)
            }
            return .map(entries)
        }
    }
}

extension Node {
    /// The resolved tag (`tag:yaml.org,2002:int` for a plain `12`).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
