import CXCore
import Foundation

/// What the HTTP service keeps: used one-click links, calendar-feed generations, the link key.
extension StoreTransaction {
    /// The key made by migration v9 (32 random bytes, in hex), used when the configuration
    /// names none.
    public func storedLinkKey() throws -> [UInt8] {
        Array((try value(String.self, "SELECT value FROM setting WHERE key = 'link_key'") ?? "").utf8)
    }

    /// Records that the link `id` was used; false when it had been already (nothing written).
    /// Links past their expiry are forgotten on the way: they are refused by their signature's
    /// date from then on.
    public func useLink(_ id: String, person: PersonID, initiative: InitiativeID, expiresAt: Date, at now: Date) throws -> Bool {
        try execute(sql: "DELETE FROM usedLink WHERE expiresAt < ?", arguments: [now])
        return try execute(
            sql: "INSERT INTO usedLink (id, person, initiative, usedAt, expiresAt) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            arguments: [id, person, initiative, now, expiresAt]) == 1
    }

    /// Whether the link `id` was used already.
    public func linkUsed(_ id: String) throws -> Bool {
        try value(Bool.self, "SELECT 1 FROM usedLink WHERE id = ?", [id]) ?? false
    }

    /// The generation of `person`'s calendar token (0 until first revoked).
    public func calendarGeneration(of person: PersonID) throws -> Int {
        try value(Int.self, "SELECT generation FROM calendarFeed WHERE person = ?", [person]) ?? 0
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
        try fetch(
            "SELECT * FROM event WHERE initiative = ? AND id > ? ORDER BY id LIMIT ?", [initiative, after ?? 0, limit],
            Self.event(from:))
    }

    /// One page of the outbox, by id, optionally of one status, after the message `after`.
    public func outbox(status: OutboxMessage.Status?, after: Int64?, limit: Int) throws -> [OutboxMessage] {
        if let status {
            return try fetch(
                "SELECT \(Self.messageColumns) FROM outbox WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                [status.rawValue, after ?? 0, limit], Self.message(from:))
        }
        return try fetch(
            "SELECT \(Self.messageColumns) FROM outbox WHERE id > ? ORDER BY id LIMIT ?", [after ?? 0, limit],
            Self.message(from:))
    }

    /// Messages not yet delivered or given up, by notifier and kind (what metrics call queued).
    public func outboxDepth() throws -> [(status: String, notifier: String, kind: String, count: Int)] {
        try fetch(
            "SELECT status, notifier, kind, COUNT(*) FROM outbox WHERE status IN ('pending', 'dead') GROUP BY status, notifier, kind"
        ) { row -> (status: String, notifier: String, kind: String, count: Int) in (row[0], row[1], row[2], row[3]) }
    }

    /// Survey rounds by status (open, delayed, closed …).
    public func roundCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try fetch("SELECT status, COUNT(*) FROM surveyRound GROUP BY status") { row in
            counts[row[0]] = row[1]
        }
        return counts
    }
}
