import Foundation

/// A notifier taken out of service (its endpoint is gone), and why.
public struct DisabledNotifier: Sendable, Equatable, Codable {
    public var name: String
    public var disabledAt: Date
    public var reason: String
}

/// How a notifier's deliveries have been going lately: the current failure episode, if any,
/// and the dead messages not reported to the operators yet. Kept in the store so that a
/// restart neither forgets an outage nor repeats its alerts.
public struct NotifierHealth: Sendable, Equatable {
    public var notifier: String
    /// The first failed attempt of the current run of failures; nil while deliveries succeed.
    public var failingSince: Date?
    public var lastFailureAt: Date?
    public var lastError: String?
    /// When the operators were told that this notifier is failing (nil: not told).
    public var failingAlertedAt: Date?
    /// Messages gone dead since the last report.
    public var deadUnreported: Int
    /// When dead messages were last reported.
    public var deadReportedAt: Date?
    /// How many dead-message reports were sent so far (names each report).
    public var deadReports: Int

    public init(
        notifier: String, failingSince: Date? = nil, lastFailureAt: Date? = nil, lastError: String? = nil,
        failingAlertedAt: Date? = nil, deadUnreported: Int = 0, deadReportedAt: Date? = nil, deadReports: Int = 0
    ) {
        self.notifier = notifier
        self.failingSince = failingSince
        self.lastFailureAt = lastFailureAt
        self.lastError = lastError
        self.failingAlertedAt = failingAlertedAt
        self.deadUnreported = deadUnreported
        self.deadReportedAt = deadReportedAt
        self.deadReports = deadReports
    }
}

extension StoreTransaction {
    /// Takes a notifier out of service; returns false when it already was (same episode).
    @discardableResult
    public func disableNotifier(_ name: String, reason: String, at now: Date) throws -> Bool {
        try execute(
            sql: "INSERT INTO disabledNotifier (name, disabledAt, reason) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
            arguments: [name, now, reason]) > 0
    }

    /// Puts a notifier back in service; returns whether it was disabled.
    @discardableResult
    public func enableNotifier(_ name: String) throws -> Bool {
        try execute(sql: "DELETE FROM disabledNotifier WHERE name = ?", arguments: [name]) > 0
    }

    public func disabledNotifiers() throws -> [DisabledNotifier] {
        try fetch("SELECT * FROM disabledNotifier ORDER BY name") { row in
            DisabledNotifier(name: row["name"], disabledAt: row["disabledAt"], reason: row["reason"])
        }
    }

    public func message(_ id: Int64) throws -> OutboxMessage? {
        try fetchFirst("SELECT \(Self.messageColumns) FROM outbox WHERE id = ?", [id], Self.message(from:))
    }

    /// Sends a dead (or pending) message again at `now`: its maximum age and its backoff start
    /// afresh, while `attempts` keeps counting every attempt ever made. Returns whether the
    /// message exists and was not delivered already.
    @discardableResult
    public func retry(_ id: Int64, at now: Date) throws -> Bool {
        try execute(
            sql: """
                UPDATE outbox SET status = 'pending', nextAttemptAt = ?, ageStartedAt = ?, backoffFrom = attempts
                WHERE id = ? AND status != 'delivered'
                """,
            arguments: [now, now, id]) > 0
    }

    /// Sends every dead message again (see `retry`); returns how many.
    public func retryDead(at now: Date) throws -> Int {
        try execute(
            sql: """
                UPDATE outbox SET status = 'pending', nextAttemptAt = ?, ageStartedAt = ?, backoffFrom = attempts
                WHERE status = 'dead'
                """,
            arguments: [now, now])
    }

    // MARK: - Notifier health

    /// The health of one notifier (a fresh, healthy record when none is stored).
    public func health(of notifier: String) throws -> NotifierHealth {
        try fetchFirst("SELECT * FROM notifierHealth WHERE notifier = ?", [notifier], Self.health(from:))
            ?? NotifierHealth(notifier: notifier)
    }

    /// Every stored health record, by notifier name.
    public func notifierHealth() throws -> [NotifierHealth] {
        try fetch("SELECT * FROM notifierHealth ORDER BY notifier", [], Self.health(from:))
    }

    public func save(_ health: NotifierHealth) throws {
        try execute(
            sql: """
                INSERT INTO notifierHealth (notifier, failingSince, lastFailureAt, lastError, failingAlertedAt,
                                            deadUnreported, deadReportedAt, deadReports)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(notifier) DO UPDATE SET failingSince = excluded.failingSince,
                  lastFailureAt = excluded.lastFailureAt, lastError = excluded.lastError,
                  failingAlertedAt = excluded.failingAlertedAt, deadUnreported = excluded.deadUnreported,
                  deadReportedAt = excluded.deadReportedAt, deadReports = excluded.deadReports
                """,
            arguments: [health.notifier, health.failingSince, health.lastFailureAt, health.lastError,
                        health.failingAlertedAt, health.deadUnreported, health.deadReportedAt, health.deadReports])
    }

    static func health(from row: SQLRow) -> NotifierHealth {
        NotifierHealth(
            notifier: row["notifier"], failingSince: row["failingSince"], lastFailureAt: row["lastFailureAt"],
            lastError: row["lastError"], failingAlertedAt: row["failingAlertedAt"], deadUnreported: row["deadUnreported"],
            deadReportedAt: row["deadReportedAt"], deadReports: row["deadReports"])
    }
}
