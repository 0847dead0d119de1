import Foundation
import GRDB

/// A notifier taken out of service (its endpoint is gone), and why.
public struct DisabledNotifier: Sendable, Equatable, Codable {
    public var name: String
    public var disabledAt: Date
    public var reason: String
}

extension StoreTransaction {
    public func disableNotifier(_ name: String, reason: String, at now: Date) throws {
        try db.execute(
            sql: "INSERT INTO disabledNotifier (name, disabledAt, reason) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
            arguments: [name, now, reason])
    }

    /// Puts a notifier back in service; returns whether it was disabled.
    @discardableResult
    public func enableNotifier(_ name: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM disabledNotifier WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }

    public func disabledNotifiers() throws -> [DisabledNotifier] {
        try Row.fetchAll(db, sql: "SELECT * FROM disabledNotifier ORDER BY name").map { row in
            DisabledNotifier(name: row["name"], disabledAt: row["disabledAt"], reason: row["reason"])
        }
    }

    public func message(_ id: Int64) throws -> OutboxMessage? {
        try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(Self.message(from:))
    }

    /// Sends a dead (or pending) message again at `now`, with a fresh maximum age. Returns
    /// whether the message exists and was not delivered already.
    @discardableResult
    public func retry(_ id: Int64, at now: Date) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE outbox SET status = 'pending', nextAttemptAt = ?, createdAt = ?, attempts = 0
                WHERE id = ? AND status != 'delivered'
                """,
            arguments: [now, now, id])
        return db.changesCount > 0
    }

    /// Sends every dead message again; returns how many.
    public func retryDead(at now: Date) throws -> Int {
        try db.execute(
            sql: "UPDATE outbox SET status = 'pending', nextAttemptAt = ?, createdAt = ?, attempts = 0 WHERE status = 'dead'",
            arguments: [now, now])
        return db.changesCount
    }
}
