import CXCore
import Foundation
import GRDB

/// What the HTTP service keeps: used one-click links, calendar-feed generations, the link key.
extension StoreTransaction {
    /// The key made by migration v9 (32 random bytes, in hex), used when the configuration
    /// names none.
    public func storedLinkKey() throws -> [UInt8] {
        Array((try String.fetchOne(db, cached: "SELECT value FROM setting WHERE key = 'link_key'") ?? "").utf8)
    }

    /// Records that the link `id` was used; false when it had been already (nothing written).
    /// Links past their expiry are forgotten on the way: they are refused by their signature's
    /// date from then on.
    public func useLink(_ id: String, person: PersonID, initiative: InitiativeID, expiresAt: Date, at now: Date) throws -> Bool {
        try execute(sql: "DELETE FROM usedLink WHERE expiresAt < ?", arguments: [now])
        try execute(
            sql: "INSERT OR IGNORE INTO usedLink (id, person, initiative, usedAt, expiresAt) VALUES (?, ?, ?, ?, ?)",
            arguments: [id, person, initiative, now, expiresAt])
        return db.changesCount == 1
    }

    /// Whether the link `id` was used already.
    public func linkUsed(_ id: String) throws -> Bool {
        try Bool.fetchOne(db, cached: "SELECT 1 FROM usedLink WHERE id = ?", arguments: [id]) ?? false
    }

    /// The generation of `person`'s calendar token (0 until first revoked).
    public func calendarGeneration(of person: PersonID) throws -> Int {
        try Int.fetchOne(db, cached: "SELECT generation FROM calendarFeed WHERE person = ?", arguments: [person]) ?? 0
    }

    /// Moves `person`'s calendar generation on, so that every URL given out before stops
    /// working; returns the new generation.
    @discardableResult
    public func revokeCalendar(of person: PersonID) throws -> Int {
        let next = try calendarGeneration(of: person) + 1
        try execute(
            sql: "INSERT INTO calendarFeed (person, generation) VALUES (?, ?) ON CONFLICT(person) DO UPDATE SET generation = excluded.generation",
            arguments: [person, next])
        return next
    }
}

extension StoreTransaction {
    /// One page of an initiative's audit log, oldest first, after the entry `after` (keyset
    /// paging on the event id).
    public func events(of initiative: InitiativeID, after: Int64?, limit: Int) throws -> [EventRecord] {
        try Row.fetchAll(
            db, cached: "SELECT * FROM event WHERE initiative = ? AND id > ? ORDER BY id LIMIT ?",
            arguments: [initiative, after ?? 0, limit]
        ).map(Self.event(from:))
    }

    /// One page of the outbox, by id, optionally of one status, after the message `after`.
    public func outbox(status: OutboxMessage.Status?, after: Int64?, limit: Int) throws -> [OutboxMessage] {
        if let status {
            return try Row.fetchAll(
                db, cached: "SELECT \(Self.messageColumns) FROM outbox WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [status.rawValue, after ?? 0, limit]
            ).map(Self.message(from:))
        }
        return try Row.fetchAll(
            db, cached: "SELECT \(Self.messageColumns) FROM outbox WHERE id > ? ORDER BY id LIMIT ?", arguments: [after ?? 0, limit]
        ).map(Self.message(from:))
    }

    /// Messages not yet delivered or given up, by notifier and kind (what metrics call queued).
    public func outboxDepth() throws -> [(status: String, notifier: String, kind: String, count: Int)] {
        try Row.fetchAll(
            db, sql: "SELECT status, notifier, kind, COUNT(*) FROM outbox WHERE status IN ('pending', 'dead') GROUP BY status, notifier, kind"
        ).map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// Survey rounds by status (open, delayed, closed …).
    public func roundCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM surveyRound GROUP BY status") {
            counts[row[0]] = row[1]
        }
        return counts
    }
}
