import CXCore
import Foundation
import GRDB

/// The scheduler's index: which initiatives are due, and when anything is next due. Reads here
/// touch only the rows they return (the `initiative_nextWake` index), whatever the number of
/// initiatives.
extension StoreTransaction {
    /// Ids of initiatives whose next wake is at or before `now`, earliest first.
    public func dueInitiatives(at now: Date, limit: Int) throws -> [InitiativeID] {
        try values(String.self, "SELECT id FROM initiative WHERE nextWakeAt <= ? ORDER BY nextWakeAt, id LIMIT ?", [now, limit])
    }

    /// When the earliest initiative is next due; nil when none waits for time.
    public func nextInitiativeWake() throws -> Date? {
        try value(Date.self, "SELECT MIN(nextWakeAt) FROM initiative")
    }

    /// Stores when `id` is next due (nil: only a person can move it on), with what `cxd status`
    /// shows of it when given: one write per evaluated initiative.
    public func setNextWake(_ id: InitiativeID, at wake: Date?, summary: InitiativeSummary? = nil) throws {
        guard let summary else {
            try execute(sql: "UPDATE initiative SET nextWakeAt = ? WHERE id = ?", arguments: [wake, id])
            return
        }
        try execute(
            sql: "UPDATE initiative SET nextWakeAt = ?, \(Self.summaryAssignments) WHERE id = ?",
            arguments: [wake] + Self.arguments(of: summary) + [id])
    }

    /// Makes `id` due at `now` at the latest: something outside the scheduler changed what it
    /// may do next (answers imported, a follow-up closed).
    public func touch(_ id: InitiativeID, at now: Date) throws {
        try execute(
            sql: "UPDATE initiative SET nextWakeAt = ? WHERE id = ? AND (nextWakeAt IS NULL OR nextWakeAt > ?)",
            arguments: [now, id, now])
    }

    /// Makes every initiative due at `now`: the configuration that decides their wakes changed.
    public func touchAll(at now: Date) throws {
        try execute(
            sql: "UPDATE initiative SET nextWakeAt = ? WHERE phase != 'archived' AND (nextWakeAt IS NULL OR nextWakeAt > ?)",
            arguments: [now, now])
    }

    /// Records that evaluating `id` failed and when to try again. Returns true when this starts
    /// a failure episode (the operators are told once per episode).
    @discardableResult
    public func recordEvaluationFailure(_ id: InitiativeID, error: String, at now: Date, retryAt: Date) throws -> Bool {
        let since = try value(Date.self, "SELECT failingSince FROM initiative WHERE id = ?", [id])
        let changed = try execute(
            sql: "UPDATE initiative SET lastError = ?, failingSince = COALESCE(failingSince, ?), nextWakeAt = ? WHERE id = ?",
            arguments: [error, now, retryAt, id])
        return since == nil && changed > 0
    }

    /// Clears a failure after a successful evaluation.
    public func clearEvaluationFailure(_ id: InitiativeID) throws {
        try execute(sql: "UPDATE initiative SET lastError = NULL, failingSince = NULL WHERE id = ?", arguments: [id])
    }

    /// The id naming this database (see the `installation` table).
    public func installationID() throws -> String {
        try value(String.self, "SELECT id FROM installation") ?? ""
    }

    /// Ids of every initiative (without archived ones when `archived` is false), ordered by
    /// id; no state decoded.
    public func initiativeIDs(archived: Bool = true) throws -> [InitiativeID] {
        try values(
            String.self, archived ? "SELECT id FROM initiative ORDER BY id" : "SELECT id FROM initiative WHERE phase != 'archived' ORDER BY id")
    }

    /// How many initiatives there are (without archived ones when `archived` is false).
    public func initiativeCount(archived: Bool = true) throws -> Int {
        try value(
            Int.self, archived ? "SELECT COUNT(*) FROM initiative" : "SELECT COUNT(*) FROM initiative WHERE phase != 'archived'") ?? 0
    }
}

extension StoreTransaction {
    /// Runs `body` in a savepoint: if it throws, what it wrote is rolled back and the error
    /// rethrown, while the enclosing transaction goes on. One initiative's failure must not
    /// undo the others' work.
    public func isolating<T>(_ body: () throws -> T) throws -> T {
        switch connection {
        case .sqlite(let db):
            var result: T?
            try db.inSavepoint {
                result = try body()
                return .commit
            }
            guard let result else { throw StoreFailure("savepoint ended without a result") }
            return result
        case .postgres(let session):
            session.savepoints += 1
            let name = "cxd_\(session.savepoints)"
            _ = try session.run("SAVEPOINT \(name)", [])
            do {
                let result = try body()
                _ = try session.run("RELEASE SAVEPOINT \(name)", [])
                return result
            } catch {
                _ = try session.run("ROLLBACK TO SAVEPOINT \(name)", [])
                throw error
            }
        }
    }
}

/// Why an initiative's evaluation keeps failing, for `cxd status`.
public struct EvaluationFailure: Codable, Sendable, Equatable {
    public var error: String
    public var since: Date

    public init(error: String, since: Date) {
        self.error = error
        self.since = since
    }
}

extension StoreTransaction {
    /// Initiatives whose evaluation is failing, with the last error.
    public func evaluationFailures() throws -> [InitiativeID: EvaluationFailure] {
        var failures: [InitiativeID: EvaluationFailure] = [:]
        try fetch("SELECT id, lastError, failingSince FROM initiative WHERE lastError IS NOT NULL") { row in
            failures[row["id"]] = EvaluationFailure(error: row["lastError"], since: row["failingSince"] ?? Date(timeIntervalSince1970: 0))
        }
        return failures
    }
}
