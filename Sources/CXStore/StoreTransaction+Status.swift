import CXCore
import Foundation

/// Where an initiative stands, as `cxd status` prints it: stored beside the state with every
/// write, so that listing initiatives reads columns, never the state JSON or the YAML.
public struct InitiativeSummary: Sendable, Equatable {
    public var openStep: StepID?
    /// The open step's title in its owner's language.
    public var stepTitle: String?
    public var owner: PersonID?
    public var dueAt: Date?
    public var nextReminderAt: Date?
    /// When a pending initiative's first step opens.
    public var startsAt: Date?

    public init(
        openStep: StepID? = nil, stepTitle: String? = nil, owner: PersonID? = nil, dueAt: Date? = nil,
        nextReminderAt: Date? = nil, startsAt: Date? = nil
    ) {
        self.openStep = openStep
        self.stepTitle = stepTitle
        self.owner = owner
        self.dueAt = dueAt
        self.nextReminderAt = nextReminderAt
        self.startsAt = startsAt
    }
}

/// One line of `cxd status`, straight from the initiative's columns.
public struct StatusRow: Sendable, Equatable {
    public var id: InitiativeID
    public var title: String
    public var phase: String
    public var cycle: Int
    public var summary: InitiativeSummary
    public var lastReminderAt: Date?
    public var failure: EvaluationFailure?
}

extension StoreTransaction {
    /// Every initiative's status line, ordered by id: one indexed scan of small columns.
    public func statusRows() throws -> [StatusRow] {
        try fetch("SELECT \(Self.statusColumns) FROM initiative ORDER BY id", [], Self.statusRow)
    }

    /// Status lines filtered in SQL: by phase, by open step owner, and/or overdue at `now`
    /// (an active initiative whose open step's due time passed), ordered by id, after
    /// `after` (keyset paging), at most `limit`.
    public func statusRows(
        phase: String? = nil, owner: PersonID? = nil, overdueAt now: Date? = nil, after: InitiativeID? = nil, limit: Int
    ) throws -> [StatusRow] {
        var sql = "SELECT \(Self.statusColumns) FROM initiative WHERE 1 = 1"
        var arguments: [(any SQLArgument)?] = []
        if let phase {
            sql += " AND phase = ?"
            arguments.append(phase)
        }
        if let owner {
            sql += " AND owner = ?"
            arguments.append(owner)
        }
        if let now {
            sql += " AND phase = 'active' AND dueAt < ?"
            arguments.append(now)
        }
        if let after {
            sql += " AND id > ?"
            arguments.append(after)
        }
        sql += " ORDER BY id LIMIT ?"
        arguments.append(limit)
        return try fetch(sql, arguments, cached: false, Self.statusRow)
    }

    /// How many initiatives are in each phase and, for active and paused ones, on each step;
    /// and how many active ones are overdue at `now`. One pass over two small columns.
    public func phaseCounts(at now: Date) throws -> (byStep: [(phase: String, step: StepID?, count: Int)], overdue: Int) {
        let rows = try fetch(Self.phaseCountsSQL) { row -> (phase: String, step: StepID?, count: Int) in (row[0], row[1], row[2]) }
        let overdue = try value(Int.self, Self.overdueCountSQL, [now]) ?? 0
        return (rows, overdue)
    }

    static let phaseCountsSQL = "SELECT phase, openStep, COUNT(*) FROM initiative GROUP BY phase, openStep"
    static let overdueCountSQL = "SELECT COUNT(*) FROM initiative WHERE phase = 'active' AND dueAt < ?"

    /// One initiative's status line.
    public func statusRow(of id: InitiativeID) throws -> StatusRow? {
        try fetchFirst("SELECT \(Self.statusColumns) FROM initiative WHERE id = ?", [id], Self.statusRow)
    }

    private static let statusColumns =
        "id, title, phase, cycle, openStep, stepTitle, owner, dueAt, nextReminderAt, startsAt, lastReminderAt, lastError, failingSince"

    private static func statusRow(_ row: SQLRow) -> StatusRow {
        let error: String? = row[11]
        return StatusRow(
            id: row[0], title: row[1], phase: row[2], cycle: row[3],
            summary: InitiativeSummary(
                openStep: row[4], stepTitle: row[5], owner: row[6], dueAt: row[7], nextReminderAt: row[8], startsAt: row[9]),
            lastReminderAt: row[10],
            failure: error.map { EvaluationFailure(error: $0, since: row[12] ?? Date(timeIntervalSince1970: 0)) })
    }

    /// Stores what `cxd status` shows of `id`.
    public func setSummary(_ id: InitiativeID, _ summary: InitiativeSummary) throws {
        try execute(
            sql: "UPDATE initiative SET \(Self.summaryAssignments) WHERE id = ?",
            arguments: Self.arguments(of: summary) + [id])
    }

    /// The columns of a summary, as `SET` assignments in the order of `arguments(of:)`.
    static let summaryAssignments = "openStep = ?, stepTitle = ?, owner = ?, dueAt = ?, nextReminderAt = ?, startsAt = ?"

    static func arguments(of summary: InitiativeSummary) -> [(any SQLArgument)?] {
        [summary.openStep, summary.stepTitle, summary.owner, summary.dueAt, summary.nextReminderAt, summary.startsAt]
    }

    /// The latest `limit` audit entries of one initiative, oldest first (the index on
    /// `initiative` and the id order keep this bounded whatever the history).
    public func recentEvents(of initiative: InitiativeID, limit: Int) throws -> [EventRecord] {
        try fetch(
            "SELECT * FROM (SELECT * FROM event WHERE initiative = ? ORDER BY id DESC LIMIT ?) AS recent ORDER BY id",
            [initiative, limit], Self.event(from:))
    }

    /// The latest audit entry of one kind, whatever the length of the initiative's log.
    public func lastEvent(of initiative: InitiativeID, kind: String) throws -> EventRecord? {
        try fetchFirst(Self.lastEventSQL, [initiative, kind], Self.event(from:))
    }

    /// Through the index on (initiative, kind): one step back from the end of that kind.
    static let lastEventSQL = "SELECT * FROM event WHERE initiative = ? AND kind = ? ORDER BY id DESC LIMIT 1"

    /// Outbox totals by status (`run --once` prints them).
    public func outboxTotals() throws -> (pending: Int, delivered: Int, dead: Int) {
        let counts = try outboxCounts()
        return (counts[.pending] ?? 0, counts[.delivered] ?? 0, counts[.dead] ?? 0)
    }
}

extension StoreTransaction {
    /// Follow-ups of an initiative counted per touchpoint (nil: none), open and in all.
    public func followUpCounts(of initiative: InitiativeID) throws -> [String?: (open: Int, total: Int)] {
        var counts: [String?: (open: Int, total: Int)] = [:]
        try fetch(Self.followUpCountsSQL, [initiative]) { row in
            counts[row["touchpoint"] as String?] = (open: row["open"], total: row["total"])
        }
        return counts
    }

    /// From the index on (initiative, open, touchpoint) alone.
    static let followUpCountsSQL =
        "SELECT touchpoint, CAST(SUM(open) AS BIGINT) AS open, COUNT(*) AS total FROM followUp WHERE initiative = ? GROUP BY touchpoint"
}
