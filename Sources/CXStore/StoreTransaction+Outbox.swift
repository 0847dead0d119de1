import CXCore
import Foundation
import GRDB

extension StoreTransaction {
    /// Queues messages; a message whose key is already in the outbox is skipped, so the same
    /// notification is never queued twice. Returns how many were new.
    @discardableResult
    public func enqueue(_ messages: [OutboxMessage]) throws -> Int {
        var added = 0
        for message in messages {
            try db.execute(
                sql: """
                    INSERT INTO outbox (key, initiative, kind, notifier, recipient, payload, status, attempts,
                                        createdAt, nextAttemptAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                    ON CONFLICT(key) DO NOTHING
                    """,
                arguments: [message.key, message.initiative, message.kind, message.notifier, message.recipient,
                            message.payload, OutboxMessage.Status.pending.rawValue, message.createdAt,
                            message.nextAttemptAt])
            added += db.changesCount
        }
        return added
    }

    /// Pending messages whose next attempt is due at `now`, oldest first; messages of disabled
    /// notifiers wait.
    public func dueMessages(at now: Date, limit: Int = 500) throws -> [OutboxMessage] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM outbox WHERE status = 'pending' AND nextAttemptAt <= ?
                  AND notifier NOT IN (SELECT name FROM disabledNotifier)
                ORDER BY nextAttemptAt, id LIMIT ?
                """,
            arguments: [now, limit]
        ).map(Self.message(from:))
    }

    /// When the earliest pending message (of an enabled notifier) wants its next attempt.
    public func nextAttemptAt() throws -> Date? {
        try Date.fetchOne(
            db,
            sql: """
                SELECT MIN(nextAttemptAt) FROM outbox WHERE status = 'pending'
                  AND notifier NOT IN (SELECT name FROM disabledNotifier)
                """)
    }

    public func messages(status: OutboxMessage.Status? = nil, limit: Int = 1000) throws -> [OutboxMessage] {
        if let status {
            return try Row.fetchAll(
                db, sql: "SELECT * FROM outbox WHERE status = ? ORDER BY id LIMIT ?", arguments: [status.rawValue, limit]
            ).map(Self.message(from:))
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id LIMIT ?", arguments: [limit])
            .map(Self.message(from:))
    }

    public func markDelivered(_ id: Int64, at now: Date) throws {
        try db.execute(
            sql: "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, deliveredAt = ?, lastError = NULL WHERE id = ?",
            arguments: [now, id])
    }

    /// Records a failed attempt: retried at `retryAt`, or dead when `retryAt` is nil.
    public func markFailed(_ id: Int64, error: String, retryAt: Date?) throws {
        if let retryAt {
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1, lastError = ?, nextAttemptAt = ? WHERE id = ?",
                arguments: [error, retryAt, id])
        } else {
            try db.execute(
                sql: "UPDATE outbox SET status = 'dead', attempts = attempts + 1, lastError = ? WHERE id = ?",
                arguments: [error, id])
        }
    }

    /// Counts per status, for `cxd status`.
    public func outboxCounts() throws -> [OutboxMessage.Status: Int] {
        var counts: [OutboxMessage.Status: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status") {
            if let status = OutboxMessage.Status(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }

    public func oldestPendingAt() throws -> Date? {
        try Date.fetchOne(db, sql: "SELECT MIN(createdAt) FROM outbox WHERE status = 'pending'")
    }

    static func message(from row: Row) -> OutboxMessage {
        var message = OutboxMessage(
            key: row["key"], initiative: row["initiative"], kind: row["kind"], notifier: row["notifier"],
            recipient: row["recipient"], payload: row["payload"], createdAt: row["createdAt"])
        message.id = row["id"]
        message.status = OutboxMessage.Status(rawValue: row["status"]) ?? .pending
        message.attempts = row["attempts"]
        message.nextAttemptAt = row["nextAttemptAt"]
        message.lastError = row["lastError"]
        message.deliveredAt = row["deliveredAt"]
        return message
    }
}
