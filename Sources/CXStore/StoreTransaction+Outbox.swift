import CXCore
import Foundation

/// A pending message as a delivery lane sees it: the message plus what its retries are
/// measured from.
public struct DueMessage: Sendable, Equatable {
    public var message: OutboxMessage
    /// Where `delivery.max_age` counts from: when the message was queued, or when an operator
    /// sent it again (`cxd outbox retry`).
    public var ageStartedAt: Date
    /// Attempts made since then; the backoff grows with these, while `message.attempts` keeps
    /// counting every attempt ever made.
    public var attemptsSinceRetry: Int

    public init(message: OutboxMessage, ageStartedAt: Date? = nil, attemptsSinceRetry: Int? = nil) {
        self.message = message
        self.ageStartedAt = ageStartedAt ?? message.createdAt
        self.attemptsSinceRetry = attemptsSinceRetry ?? message.attempts
    }
}

/// One page of `cxd outbox`: the rows shown and how many match in all.
public struct OutboxPage: Sendable, Equatable {
    public var messages: [OutboxMessage]
    public var total: Int
}

extension StoreTransaction {
    /// Queues messages; a message whose key is already in the outbox is skipped, so the same
    /// notification is never queued twice. Returns how many were new.
    @discardableResult
    public func enqueue(_ messages: [OutboxMessage]) throws -> Int {
        var added = 0
        for message in messages {
            added += try execute(
                sql: """
                    INSERT INTO outbox (key, initiative, kind, notifier, recipient, payload, status, attempts,
                                        createdAt, nextAttemptAt, ageStartedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                    ON CONFLICT(key) DO NOTHING
                    """,
                // A message held for its recipient's working hours ages from when it may go out.
                arguments: [message.key, message.initiative, message.kind, message.notifier, message.recipient,
                            message.payload, OutboxMessage.Status.pending.rawValue, message.createdAt,
                            message.nextAttemptAt, message.nextAttemptAt > message.createdAt ? message.nextAttemptAt : nil])
        }
        return added
    }

    // MARK: - Selection

    /// Pending messages whose next attempt is due at `now`, oldest first; messages of disabled
    /// notifiers wait.
    public func dueMessages(at now: Date, limit: Int = 500) throws -> [OutboxMessage] {
        try fetch(
            """
            SELECT \(Self.messageColumns) FROM outbox WHERE status = 'pending' AND nextAttemptAt <= ?
              AND notifier NOT IN (SELECT name FROM disabledNotifier)
            ORDER BY nextAttemptAt, id LIMIT ?
            """,
            [now, limit], Self.message(from:))
    }

    /// The due messages of one notifier (none while it is disabled), oldest first, leaving out
    /// `excluded` (messages in flight, or whose outcome is not recorded yet). Served by the
    /// `outbox_lane` index; one compiled statement whatever the number of exclusions (they are
    /// passed as one JSON array).
    public func dueMessages(
        notifier: String, at now: Date, excluding excluded: Set<Int64> = [], limit: Int
    ) throws -> [DueMessage] {
        // Another node's unexpired claim keeps a message out; on PostgreSQL, rows another
        // node is claiming right now (locked, not committed yet) are skipped, not waited for.
        try fetch(
            """
            SELECT \(Self.messageColumns) FROM outbox
            WHERE status = 'pending' AND notifier = ? AND nextAttemptAt <= ?
              AND id NOT IN (\(idsFromJSON))
              AND (claimedUntil IS NULL OR claimedUntil <= ?)
              AND NOT EXISTS (SELECT 1 FROM disabledNotifier WHERE name = ?)
            ORDER BY nextAttemptAt, id LIMIT ?\(lockingSkipLocked)
            """,
            [notifier, now, Self.jsonArray(excluded), now, notifier, limit], Self.dueMessage(from:))
    }

    /// When the earliest pending message (of an enabled notifier) wants its next attempt.
    public func nextAttemptAt() throws -> Date? {
        try value(
            Date.self,
            """
            SELECT MIN(nextAttemptAt) FROM outbox WHERE status = 'pending'
              AND notifier NOT IN (SELECT name FROM disabledNotifier)
            """)
    }

    /// When the earliest pending message of one notifier wants its next attempt; nil when it
    /// has none or is disabled.
    public func nextAttemptAt(notifier: String, excluding excluded: Set<Int64> = []) throws -> Date? {
        // A message another node claimed is next due when its claim expires.
        try value(
            Date.self,
            """
            SELECT MIN(CASE WHEN claimedUntil > nextAttemptAt THEN claimedUntil ELSE nextAttemptAt END) FROM outbox
            WHERE status = 'pending' AND notifier = ? AND id NOT IN (\(idsFromJSON))
              AND NOT EXISTS (SELECT 1 FROM disabledNotifier WHERE name = ?)
            """,
            [notifier, Self.jsonArray(excluded), notifier])
    }

    /// `[3,7,12]`: message ids as one SQL argument, for `json_each`.
    static func jsonArray(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// The notifiers that have pending messages (configured or not).
    public func notifiersWithPendingMessages() throws -> [String] {
        try values(String.self, "SELECT DISTINCT notifier FROM outbox WHERE status = 'pending' ORDER BY notifier")
    }

    // MARK: - Listing

    public func messages(status: OutboxMessage.Status? = nil, limit: Int = 1000) throws -> [OutboxMessage] {
        if let status {
            return try fetch(
                "SELECT \(Self.messageColumns) FROM outbox WHERE status = ? ORDER BY id LIMIT ?", [status.rawValue, limit],
                Self.message(from:))
        }
        return try fetch("SELECT \(Self.messageColumns) FROM outbox ORDER BY id LIMIT ?", [limit], Self.message(from:))
    }

    /// The first `limit` messages (by id) whose status is one of `statuses` (every status when
    /// empty), with the number of messages that match in all.
    public func outboxPage(statuses: [OutboxMessage.Status], limit: Int) throws -> OutboxPage {
        let names = (statuses.isEmpty ? OutboxMessage.Status.allCases : statuses).map(\.rawValue)
        let list = Self.placeholders(names.count)
        return OutboxPage(
            messages: try fetch(
                "SELECT \(Self.messageColumns) FROM outbox WHERE status IN \(list) ORDER BY id LIMIT ?", names + [limit],
                Self.message(from:)),
            total: try value(Int.self, "SELECT COUNT(*) FROM outbox WHERE status IN \(list)", names) ?? 0)
    }

    // MARK: - Attempts and outcomes

    /// Counts an attempt for each message before it is sent, so that `attempts` counts every
    /// send, even one whose outcome a crash lost, and claims it for `node` until `now + lease`:
    /// no other node selects it meanwhile (a node that dies mid-send leaves the claim to
    /// expire, and the message is sent again, with its key, by another).
    ///
    /// The ids go in as one JSON array and are looked up by primary key: `+status` keeps SQLite
    /// from choosing the status index instead, which visits every pending message.
    public func claim(_ ids: [Int64], at now: Date, by node: String = "", lease: TimeInterval = Self.defaultClaimLease) throws {
        // `+status` is SQLite's way to say "not this index"; PostgreSQL has no such hint.
        let status = dialect == .sqlite ? "+status" : "status"
        try execute(
            sql: """
                UPDATE outbox SET attempts = attempts + 1, lastAttemptAt = ?, claimedBy = ?, claimedUntil = ?
                WHERE id IN (\(idsFromJSON)) AND \(status) = 'pending'
                """,
            arguments: [now, node, now.addingTimeInterval(lease), Self.jsonArray(ids)])
    }

    /// Ends the claims of `node` (every claim when nil): at a dispatcher's start, the claims
    /// its previous run left (a crash, a `kill -9`) are known dead, and their messages go out
    /// again at once instead of after the lease. On SQLite the daemon lock makes every claim
    /// the previous daemon's. Returns how many were released.
    @discardableResult
    public func releaseClaims(of node: String?) throws -> Int {
        if let node {
            return try execute(
                sql: "UPDATE outbox SET claimedUntil = NULL WHERE status = 'pending' AND claimedBy = ? AND claimedUntil IS NOT NULL",
                arguments: [node])
        }
        return try execute(
            sql: "UPDATE outbox SET claimedUntil = NULL WHERE status = 'pending' AND claimedUntil IS NOT NULL")
    }

    /// How long a claim holds when the caller names no lease: longer than any send may take.
    public static let defaultClaimLease: TimeInterval = 120

    /// A claimed message that was not sent after all (`.notAttempted`): the attempt is taken back.
    public func releaseClaim(_ id: Int64) throws {
        try execute(
            sql: "UPDATE outbox SET attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, claimedUntil = NULL WHERE id = ? AND status = 'pending'", arguments: [id])
    }

    /// Claimed messages were delivered (one statement for a batch's deliveries).
    public func recordDelivered(_ ids: [Int64], at now: Date) throws {
        guard !ids.isEmpty else { return }
        try execute(
            sql: "UPDATE outbox SET status = 'delivered', deliveredAt = ?, lastError = NULL, claimedUntil = NULL WHERE id IN (\(idsFromJSON))",
            arguments: [now, Self.jsonArray(ids)])
    }

    /// A claimed message failed: tried again at `retryAt`; it stays due as it was when
    /// `retryAt` is nil (it waits for its disabled notifier).
    public func recordFailure(_ id: Int64, error: String, retryAt: Date?) throws {
        try execute(
            sql: "UPDATE outbox SET lastError = ?, nextAttemptAt = COALESCE(?, nextAttemptAt), claimedUntil = NULL WHERE id = ?",
            arguments: [error, retryAt, id])
    }

    /// A claimed message is given up.
    public func recordDead(_ id: Int64, error: String) throws {
        try execute(
            sql: "UPDATE outbox SET status = 'dead', lastError = ?, claimedUntil = NULL WHERE id = ?",
            arguments: [error, id])
    }

    public func markDelivered(_ id: Int64, at now: Date) throws {
        try claim([id], at: now)
        try recordDelivered([id], at: now)
    }

    /// Records a failed attempt: retried at `retryAt`, or dead when `retryAt` is nil.
    public func markFailed(_ id: Int64, error: String, retryAt: Date?) throws {
        try execute(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", arguments: [id])
        if let retryAt {
            try recordFailure(id, error: error, retryAt: retryAt)
        } else {
            try recordDead(id, error: error)
        }
    }

    // MARK: - Health

    /// Counts per status, for `cxd status`.
    public func outboxCounts() throws -> [OutboxMessage.Status: Int] {
        var counts: [OutboxMessage.Status: Int] = [:]
        try fetch("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status") { row in
            if let status = OutboxMessage.Status(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }

    public func oldestPendingAt() throws -> Date? {
        try value(Date.self, "SELECT MIN(createdAt) FROM outbox WHERE status = 'pending'")
    }

    /// The outbox columns every message query selects, in the order `message(from:)` reads
    /// them (by position: a lookup by name lowercases the name for every column of every row).
    static let messageColumns = """
        id, key, initiative, kind, notifier, recipient, payload, status, attempts, createdAt, nextAttemptAt,
        lastError, deliveredAt, ageStartedAt, backoffFrom
        """

    static func message(from row: SQLRow) -> OutboxMessage {
        var message = OutboxMessage(
            key: row[1], initiative: row[2], kind: row[3], notifier: row[4], recipient: row[5], payload: row[6],
            createdAt: row[9])
        message.id = row[0]
        message.status = OutboxMessage.Status(rawValue: row[7]) ?? .pending
        message.attempts = row[8]
        message.nextAttemptAt = row[10]
        message.lastError = row[11]
        message.deliveredAt = row[12]
        return message
    }

    static func dueMessage(from row: SQLRow) -> DueMessage {
        let message = message(from: row)
        let backoffFrom: Int = row[14]
        return DueMessage(message: message, ageStartedAt: row[13], attemptsSinceRetry: message.attempts - backoffFrom)
    }
}
