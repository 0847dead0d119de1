import CXConfig
import CXCore
import CXStore
import Foundation

/// What `cxd status` shows, as data (the CLI prints it as a table or as JSON).
public struct StatusReport: Codable, Sendable {
    public var at: Date
    public var initiatives: [InitiativeStatus]
    public var outbox: OutboxHealth
    /// The `cxd run` nodes on a PostgreSQL database (none listed on SQLite).
    public var nodes: [NodeStatus] = []
}

/// A node as `cxd status` shows it: its last heartbeat, and whether that is recent enough for
/// it to count as up (three heartbeats' time, at least ten seconds).
public struct NodeStatus: Codable, Sendable {
    public var id: String
    public var host: String
    public var pid: Int
    /// leader, follower, stopped — or `silent` when no heartbeat came lately.
    public var role: String
    public var startedAt: Date
    public var heartbeatAt: Date

    init(_ record: NodeRecord, at now: Date, silentAfter: TimeInterval) {
        id = record.id
        host = record.host
        pid = record.pid
        role = record.role != .stopped && now.timeIntervalSince(record.heartbeatAt) > silentAfter ? "silent" : record.role.rawValue
        startedAt = record.startedAt
        heartbeatAt = record.heartbeatAt
    }
}

public struct InitiativeStatus: Codable, Sendable {
    public var id: InitiativeID
    public var title: String
    /// pending, active, paused, completed, archived — or `unregistered` when the YAML names
    /// it but no daemon or command has seen it yet.
    public var phase: String
    public var cycle: Int
    public var step: StepID?
    public var stepTitle: String?
    public var owner: PersonID?
    public var ownerName: String?
    public var startsAt: Date?
    public var dueAt: Date?
    /// Seconds past the due time; nil when not overdue.
    public var overdueBy: Int?
    public var lastReminderAt: Date?
    public var nextReminderAt: Date?
    /// Set while this initiative's evaluation fails (the others go on meanwhile).
    public var failure: EvaluationFailure?
}

public struct OutboxHealth: Codable, Sendable {
    public var pending: Int
    public var delivered: Int
    public var dead: Int
    public var oldestPendingAt: Date?
    /// Notifiers taken out of service because their endpoint is gone.
    public var disabledNotifiers: [DisabledNotifier]
}

/// `cxd status ID`: the status line plus the step timeline and the latest audit entries.
public struct InitiativeDetail: Codable, Sendable {
    public var status: InitiativeStatus
    public var runs: [StepRunRecord]
    public var recentEvents: [EventRecord]
    /// The survey metric across rounds and the last verdict; nil without a survey.
    public var surveys: SurveyTrend?

    public init(status: InitiativeStatus, runs: [StepRunRecord], recentEvents: [EventRecord], surveys: SurveyTrend?) {
        self.status = status
        self.runs = runs
        self.recentEvents = recentEvents
        self.surveys = surveys
    }
}

extension Engine {
    /// Every initiative's status line from the store's columns (no state decoded, no YAML
    /// read), plus the outbox's health. A configuration that holds its initiatives in memory
    /// also lists those the store has not seen yet, as `unregistered`.
    public func statusReport(at now: Date) async throws -> StatusReport {
        let configuration = configuration
        return try await store.read { tx in
            var statuses = try tx.statusRows().map { status(of: $0, at: now) }
            if configuration.initiativesLoaded {
                let known = Set(statuses.map(\.id))
                for id in configuration.initiatives.keys where !known.contains(id) { statuses.append(Self.unregistered(id, configuration: configuration)) }
                statuses.sort { $0.id < $1.id }
            }
            let counts = try tx.outboxCounts()
            var report = StatusReport(
                at: now, initiatives: statuses,
                outbox: OutboxHealth(
                    pending: counts[.pending] ?? 0, delivered: counts[.delivered] ?? 0, dead: counts[.dead] ?? 0,
                    oldestPendingAt: try tx.oldestPendingAt(), disabledNotifiers: try tx.disabledNotifiers()))
            if store.isPostgres {
                let silentAfter = max(10, configuration.cluster.heartbeat.timeInterval * 3)
                // Heartbeats are the nodes' clocks: "silent" is judged on this machine's clock.
                let clock = Date()
                report.nodes = try tx.nodes().map { NodeStatus($0, at: clock, silentAfter: silentAfter) }
            }
            return report
        }
    }

    /// The status of every initiative of a configuration whose database does not exist yet.
    public static func unregisteredReport(_ configuration: Configuration, at now: Date) -> StatusReport {
        StatusReport(
            at: now, initiatives: configuration.initiatives.keys.sorted().map { Self.unregistered($0, configuration: configuration) },
            outbox: OutboxHealth(pending: 0, delivered: 0, dead: 0, oldestPendingAt: nil, disabledNotifiers: []))
    }

    public func detail(of id: InitiativeID, at now: Date) async throws -> InitiativeDetail {
        let configuration = try await withDefinitions(of: [id])
        return try await store.read { tx in
            guard let row = try tx.statusRow(of: id) else {
                if configuration.initiatives[id] != nil {
                    return InitiativeDetail(status: Self.unregistered(id, configuration: configuration), runs: [], recentEvents: [], surveys: nil)
                }
                throw EngineError.unknownInitiative(id, known: try knownIDs(tx))
            }
            return InitiativeDetail(
                status: status(of: row, at: now), runs: try tx.stepRuns(of: id),
                recentEvents: try tx.recentEvents(of: id, limit: 20),
                surveys: try Engine(configuration: configuration, store: store).surveyTrend(id, tx: tx))
        }
    }

    /// The full audit log of one initiative.
    public func history(of id: InitiativeID) async throws -> [EventRecord] {
        try await store.read { tx in
            guard try tx.statusRow(of: id) != nil else { throw EngineError.unknownInitiative(id, known: try knownIDs(tx)) }
            return try tx.events(of: id)
        }
    }

    func status(of row: StatusRow, at now: Date) -> InitiativeStatus {
        let summary = row.summary
        let overdue = summary.dueAt.map { Int(now.timeIntervalSince($0)) }.flatMap { $0 > 0 ? $0 : nil }
        return InitiativeStatus(
            id: row.id, title: row.title, phase: row.phase, cycle: row.cycle, step: summary.openStep,
            stepTitle: summary.stepTitle, owner: summary.owner, ownerName: summary.owner.flatMap { configuration.people[$0]?.name },
            startsAt: row.phase == "pending" ? summary.startsAt : nil, dueAt: summary.dueAt,
            overdueBy: row.phase == "active" ? overdue : nil, lastReminderAt: row.lastReminderAt,
            nextReminderAt: summary.nextReminderAt, failure: row.failure)
    }

    private static func unregistered(_ id: InitiativeID, configuration: Configuration) -> InitiativeStatus {
        let context = configuration.context(for: id)
        return InitiativeStatus(
            id: id, title: context?.definition.title ?? id, phase: "unregistered", cycle: 1,
            startsAt: context?.startInstant)
    }
}
