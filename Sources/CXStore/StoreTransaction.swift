import CXCore
import Foundation
import GRDB

/// Reads and writes inside one transaction of the store.
public struct StoreTransaction {
    let db: Database

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

    /// Runs one SQL statement, compiled once per connection and reused: the scheduler and the
    /// dispatcher run the same few statements thousands of times in a burst.
    /// Dates among the arguments are written by `StoredTime`.
    func execute(sql: String, arguments: [(any DatabaseValueConvertible)?] = []) throws {
        try db.cachedStatement(sql: sql).execute(arguments: StoredTime.arguments(arguments))
    }

    // MARK: - Initiatives

    public func initiative(_ id: InitiativeID) throws -> InitiativeRecord? {
        try Row.fetchOne(db, cached: "SELECT * FROM initiative WHERE id = ?", arguments: [id]).map(Self.initiative(from:))
    }

    /// Every initiative, archived ones included, ordered by id.
    public func initiatives() throws -> [InitiativeRecord] {
        try Row.fetchAll(db, cached: "SELECT * FROM initiative ORDER BY id").map(Self.initiative(from:))
    }

    /// Every initiative by id, each decoded on its own: a row that cannot be read is returned
    /// as a failure instead of failing the whole list (one broken initiative must not stop
    /// the others).
    public func initiativesEach() throws -> [(id: InitiativeID, record: Result<InitiativeRecord, any Error>)] {
        try Row.fetchAll(db, cached: "SELECT * FROM initiative ORDER BY id").map { row in
            let id: InitiativeID = row["id"]
            return (id, Result { try Self.initiative(from: row) })
        }
    }

    static func initiative(from row: Row) throws -> InitiativeRecord {
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
        try execute(
            sql: """
                INSERT INTO initiative (id, title, workflow, phase, cycle, state, lastReminderAt, createdAt, updatedAt,
                                        nextWakeAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET title = excluded.title, workflow = excluded.workflow,
                  phase = excluded.phase, cycle = excluded.cycle, state = excluded.state,
                  lastReminderAt = CASE WHEN ? THEN excluded.lastReminderAt
                                        ELSE COALESCE(excluded.lastReminderAt, initiative.lastReminderAt) END,
                  updatedAt = excluded.updatedAt, nextWakeAt = excluded.nextWakeAt
                """,
            arguments: [state.id, title, workflow, state.phase.rawValue, state.cycle, json,
                        reminded ? now : nil, now, now, now, opened])
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
        try Row.fetchAll(db, cached: "SELECT * FROM event WHERE initiative = ? ORDER BY id", arguments: [initiative])
            .map(Self.event(from:))
    }

    static func event(from row: Row) throws -> EventRecord {
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
        try Row.fetchAll(db, cached: "SELECT * FROM stepRun WHERE initiative = ? ORDER BY number", arguments: [initiative])
            .map { row in
                StepRunRecord(
                    initiative: row["initiative"], number: row["number"], step: row["step"], cycle: row["cycle"],
                    owner: row["owner"], startedAt: row["startedAt"], dueAt: row["dueAt"], closedAt: row["closedAt"],
                    outcome: (row["outcome"] as String?).flatMap(RunClosure.Outcome.init(rawValue:)),
                    actor: row["actor"], note: row["note"])
            }
    }
}
