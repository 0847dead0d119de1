import CXCore
import Foundation

/// The engine's index of initiative files: which file declared which initiative, its size and
/// modification time when last read, and the definition read from it. A command reads the
/// definitions of the initiatives it touches from here instead of parsing every YAML file,
/// and reconciling reads again only the files whose size or modification time changed.
public struct InitiativeSourceRecord: Sendable, Equatable {
    public var initiative: InitiativeID
    /// Absolute path of the file.
    public var path: String
    public var size: Int64
    /// Nanoseconds since 1970.
    public var modified: Int64

    public init(initiative: InitiativeID, path: String, size: Int64, modified: Int64) {
        self.initiative = initiative
        self.path = path
        self.size = size
        self.modified = modified
    }
}

extension StoreTransaction {
    /// Every indexed file (definitions not decoded).
    public func initiativeSources() throws -> [InitiativeSourceRecord] {
        try fetch("SELECT initiative, path, size, modified FROM initiativeSource", [], Self.source(from:))
    }

    /// The file that declared `id`, when indexed.
    public func initiativeSource(of id: InitiativeID) throws -> InitiativeSourceRecord? {
        try fetchFirst("SELECT initiative, path, size, modified FROM initiativeSource WHERE initiative = ?", [id], Self.source(from:))
    }

    private static func source(from row: SQLRow) -> InitiativeSourceRecord {
        InitiativeSourceRecord(initiative: row[0], path: row[1], size: row[2], modified: row[3])
    }

    /// The definition of `id` as last read from its file; with its document unless
    /// `document` is false (the scheduler never reads it: `.null` then).
    public func definition(of id: InitiativeID, document: Bool = true) throws -> InitiativeDefinition? {
        try fetchFirst(
            document
                ? "SELECT definition, document FROM initiativeSource WHERE initiative = ?"
                : "SELECT definition FROM initiativeSource WHERE initiative = ?",
            [id]
        ) { row in
            let json: String = row[0]
            var definition = try Self.decoder.decode(InitiativeDefinition.self, from: Data(json.utf8))
            if document {
                let text: String = row[1]
                definition.document = try Self.decoder.decode(Document.self, from: Data(text.utf8))
            }
            return definition
        }
    }

    /// Every stored definition without its document (`.null`), for the commands that simulate
    /// all initiatives (`cxd plan`): schedules never look at the document.
    public func allDefinitions() throws -> [InitiativeDefinition] {
        try values(String.self, "SELECT definition FROM initiativeSource ORDER BY initiative").map { json in
            try Self.decoder.decode(InitiativeDefinition.self, from: Data(json.utf8))
        }
    }

    /// Records that `source.path` declares `definition` (replacing whatever the path or the
    /// initiative was indexed with before).
    public func index(_ definition: InitiativeDefinition, from source: InitiativeSourceRecord) throws {
        var lean = definition
        lean.document = .null
        let json = String(decoding: try Self.encoder.encode(lean), as: UTF8.self)
        let document = String(decoding: try Self.encoder.encode(definition.document), as: UTF8.self)
        try execute(sql: "DELETE FROM initiativeSource WHERE path = ? AND initiative != ?", arguments: [source.path, definition.id])
        try execute(
            sql: """
                INSERT INTO initiativeSource (initiative, path, size, modified, definition, document) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(initiative) DO UPDATE SET path = excluded.path, size = excluded.size,
                  modified = excluded.modified, definition = excluded.definition, document = excluded.document
                """,
            arguments: [definition.id, source.path, source.size, source.modified, json, document])
    }

    /// Forgets the file of `id` (the initiative was archived).
    public func unindex(_ id: InitiativeID) throws {
        try execute(sql: "DELETE FROM initiativeSource WHERE initiative = ?", arguments: [id])
    }

    // MARK: - Settings

    public func setting(_ key: String) throws -> String? {
        try value(String.self, "SELECT value FROM setting WHERE key = ?", [key])
    }

    public func setSetting(_ key: String, to value: String) throws {
        try execute(
            sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }
}

/// What a list of initiatives shows of each definition: its workflow, goal and survey scale.
public struct DefinitionSummary: Decodable, Sendable {
    public struct Survey: Decodable, Sendable {
        public var scale: SurveyScale
    }

    public var workflow: WorkflowID
    public var goal: Goal?
    public var survey: Survey?
}

extension StoreTransaction {
    /// The summary of `id`'s stored definition: decodes three of its fields, not the journey,
    /// touchpoints and roles (a quarter of the dashboard overview's time when decoded whole).
    public func definitionSummary(of id: InitiativeID) throws -> DefinitionSummary? {
        try value(String.self, "SELECT definition FROM initiativeSource WHERE initiative = ?", [id])
            .map { try Self.decoder.decode(DefinitionSummary.self, from: Data($0.utf8)) }
    }
}
