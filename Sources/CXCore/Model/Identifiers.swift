/// Identifiers are the strings users write in YAML; the aliases document which kind is meant.
public typealias InitiativeID = String
public typealias StepID = String
public typealias RoleID = String
public typealias PersonID = String
public typealias WorkflowID = String

/// A text with one entry per locale (`en`, `vi`, …), as written under `title:` in YAML.
public struct LocalizedText: Codable, Sendable, Equatable, Hashable {
    public var values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The text in `locale`, else English, else any text there is.
    public func text(for locale: String) -> String {
        if let value = values[locale] { return value }
        if let value = values["en"] { return value }
        return values.keys.sorted().first.flatMap { values[$0] } ?? ""
    }
}
