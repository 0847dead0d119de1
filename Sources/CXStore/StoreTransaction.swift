import CXCore
import Foundation
import NIOConcurrencyHelpers

/// Reads and writes inside one transaction of the store, on SQLite or PostgreSQL: the SQL is
/// written once, in what both understand (see `StoreConnection`).
public struct StoreTransaction {
    let connection: StoreConnection
    /// The version of each initiative row this transaction read: `save` writes only over that
    /// version (optimistic concurrency), so that two writers never overwrite each other's
    /// update silently. A mismatch throws `StoreConflict` and the store runs the transaction
    /// again.
    let versions: VersionLedger

    init(connection: StoreConnection) {
        self.connection = connection
        versions = VersionLedger()
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    // MARK: - Initiatives

    public func initiative(_ id: InitiativeID) throws -> InitiativeRecord? {
        let record = try fetchFirst("SELECT * FROM initiative WHERE id = ?", [id]) { row in
            versions.read(id, version: row["version"])
            return try Self.initiative(from: row)
        }
        // Read as absent: a `save` of it must create it, not overwrite another writer's.
        if record == nil { versions.read(id, version: 0) }
        return record
    }

    /// Every initiative, archived ones included, ordered by id.
    public func initiatives() throws -> [InitiativeRecord] {
        try fetch("SELECT * FROM initiative ORDER BY id") { row in
            versions.read(row["id"], version: row["version"])
            return try Self.initiative(from: row)
        }
    }

    /// Every initiative by id, each decoded on its own: a row that cannot be read is returned
    /// as a failure instead of failing the whole list (one broken initiative must not stop
    /// the others).
    public func initiativesEach() throws -> [(id: InitiativeID, record: Result<InitiativeRecord, any Error>)] {
        try fetch("SELECT * FROM initiative ORDER BY id") { row in
            let id: InitiativeID = row["id"]
            versions.read(id, version: row["version"])
            return (id, Result { try Self.initiative(from: row) })
        }
    }

    static func initiative(from row: SQLRow) throws -> InitiativeRecord {
        let json: String = row["state"]
        return InitiativeRecord(
            state: try decoder.decode(InitiativeState.self, from: Data(json.utf8)),
            title: row["title"], workflow: row["workflow"], updatedAt: row["updatedAt"],
            lastReminderAt: row["lastReminderAt"], lastError: row["lastError"], failingSince: row["failingSince"])
    }

    /// Saves a state and applies the effects of the transition that produced it: step runs
    /// opened or closed, audit entries appended. Notifications go through `enqueue`. The
    /// initiative becomes due for evaluation at `now` (the scheduler then computes its next
    /// wake exactly and stores it with `setNextWake`).
    public func save(
        _ state: InitiativeState, title: String, workflow: WorkflowID, effects: [Effect], at now: Date,
        summary: InitiativeSummary? = nil
    ) throws {
        let json = String(decoding: try Self.encoder.encode(state), as: UTF8.self)
        // A reminder of the open run (a catch-up of the step a `complete` just closed is not).
        let reminded = effects.contains { effect in
            if case .notify(let notice) = effect { return notice.level != nil && notice.run == state.openRun?.number }
            return false
        }
        // A new run starts with no reminder of its own: the previous step's is not shown for it.
        let opened = effects.contains { effect in
            if case .runOpened = effect { return true }
            return false
        }
        // Written over the version this transaction read, if it read one; a new row starts
        // at version 1 and every write moves it on.
        // Read as absent (version 0): created here, or a conflict when another writer created
        // it meanwhile.
        let expected = versions.version(of: state.id)
        let values: [(any SQLArgument)?] = [state.id, title, workflow, state.phase.rawValue, state.cycle, json, reminded ? now : nil, now, now, now]
        let changed: Int
        switch expected {
        case nil: changed = try execute(sql: Self.saveSQL, arguments: values + [opened])
        case 0?: changed = try execute(sql: Self.createSQL, arguments: values)
        case let version?: changed = try execute(sql: Self.saveSQL + " WHERE initiative.version = ?", arguments: values + [opened, version])
        }
        if changed == 0 { throw StoreConflict(initiative: state.id) }
        if let expected { versions.read(state.id, version: expected + 1) }
        for effect in effects {
            switch effect {
            case .record(let entry):
                try append(entry, initiative: state.id)
            case .runOpened(let run):
                try execute(
                    sql: """
                        INSERT INTO stepRun (initiative, number, step, cycle, owner, startedAt, dueAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [state.id, run.number, run.stepID, run.cycle, run.owner, run.startedAt, run.dueAt])
            case .runClosed(let closure):
                try execute(
                    sql: "UPDATE stepRun SET closedAt = ?, outcome = ?, actor = ?, note = ? WHERE initiative = ? AND number = ?",
                    arguments: [closure.at, closure.outcome.rawValue, closure.actor, closure.note, state.id, closure.number])
            case .notify:
                continue
            }
        }
        if let summary { try setSummary(state.id, summary) }
        // Owner and deadline of the open run change on reassignment and resume.
        if let run = state.openRun {
            try execute(
                sql: "UPDATE stepRun SET owner = ?, dueAt = ? WHERE initiative = ? AND number = ?",
                arguments: [run.owner, run.dueAt, state.id, run.number])
        }
    }

    static let createSQL = """
        INSERT INTO initiative (id, title, workflow, phase, cycle, state, lastReminderAt, createdAt, updatedAt,
                                nextWakeAt, version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT(id) DO NOTHING
        """

    static let saveSQL = """
        INSERT INTO initiative (id, title, workflow, phase, cycle, state, lastReminderAt, createdAt, updatedAt,
                                nextWakeAt, version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT(id) DO UPDATE SET title = excluded.title, workflow = excluded.workflow,
          phase = excluded.phase, cycle = excluded.cycle, state = excluded.state,
          lastReminderAt = CASE WHEN ? = 1 THEN excluded.lastReminderAt
                                ELSE COALESCE(excluded.lastReminderAt, initiative.lastReminderAt) END,
          updatedAt = excluded.updatedAt, nextWakeAt = excluded.nextWakeAt, version = initiative.version + 1
        """

    func append(_ entry: AuditEntry, initiative: InitiativeID) throws {
        let details = String(decoding: try Self.encoder.encode(entry.details), as: UTF8.self)
        try execute(
            sql: """
                INSERT INTO event (initiative, at, kind, actor, step, cycle, run, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [initiative, entry.at, entry.kind, entry.actor, entry.step, entry.cycle, entry.run, details])
    }

    // MARK: - Audit log and runs

    /// The audit log of one initiative, oldest first.
    public func events(of initiative: InitiativeID) throws -> [EventRecord] {
        try fetch("SELECT * FROM event WHERE initiative = ? ORDER BY id", [initiative], Self.event(from:))
    }

    static func event(from row: SQLRow) throws -> EventRecord {
        let details: String = row["details"]
        return EventRecord(
            id: row["id"], initiative: row["initiative"],
            entry: AuditEntry(
                kind: row["kind"], at: row["at"], actor: row["actor"], step: row["step"], cycle: row["cycle"],
                run: row["run"],
                details: try Self.decoder.decode([String: String].self, from: Data(details.utf8))))
    }

    /// The step runs of one initiative, in the order they were opened.
    public func stepRuns(of initiative: InitiativeID) throws -> [StepRunRecord] {
        try fetch("SELECT * FROM stepRun WHERE initiative = ? ORDER BY number", [initiative]) { row in
                StepRunRecord(
                    initiative: row["initiative"], number: row["number"], step: row["step"], cycle: row["cycle"],
                    owner: row["owner"], startedAt: row["startedAt"], dueAt: row["dueAt"], closedAt: row["closedAt"],
                    outcome: (row["outcome"] as String?).flatMap(RunClosure.Outcome.init(rawValue:)),
                    actor: row["actor"], note: row["note"])
            }
    }
}

/// The initiative versions one transaction read (see `StoreTransaction.versions`).
final class VersionLedger: Sendable {
    private let read = NIOLockedValueBox<[InitiativeID: Int64]>([:])

    func read(_ id: InitiativeID, version: Int64) {
        read.withLockedValue { $0[id] = version }
    }

    func version(of id: InitiativeID) -> Int64? {
        read.withLockedValue { $0[id] }
    }
}

/// Another writer changed an initiative between this transaction's read and its write: the
/// store runs the transaction again on what is there now.
public struct StoreConflict: Error, CustomStringConvertible {
    public var initiative: InitiativeID

    public var description: String {
        "initiative '\(initiative)' was changed by another writer meanwhile"
    }
}
