import CXConfig
import CXCore
import CXStore
import Foundation

/// What `cxd status` shows, as data (the CLI prints it as a table or as JSON).
public struct StatusReport: Codable, Sendable {
    public var at: Date
    public var initiatives: [InitiativeStatus]
    public var outbox: OutboxHealth
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
}

extension Engine {
    public func statusReport(at now: Date) async throws -> StatusReport {
        try await store.read { tx in
            let failures = try tx.evaluationFailures()
            var statuses: [InitiativeStatus] = []
            var known = Set<InitiativeID>()
            for (id, result) in try tx.initiativesEach() {
                known.insert(id)
                switch result {
                case .success(let record):
                    var line = status(of: record, at: now)
                    line.failure = failures[id]
                    statuses.append(line)
                case .failure(let error):
                    var line = unregistered(id)
                    line.phase = "unreadable"
                    line.failure = failures[id] ?? EvaluationFailure(error: "stored state cannot be read: \(error)", since: now)
                    statuses.append(line)
                }
            }
            for id in configuration.initiatives.keys.sorted() where !known.contains(id) {
                statuses.append(unregistered(id))
            }
            statuses.sort { $0.id < $1.id }
            let counts = try tx.outboxCounts()
            return StatusReport(
                at: now, initiatives: statuses,
                outbox: OutboxHealth(
                    pending: counts[.pending] ?? 0, delivered: counts[.delivered] ?? 0, dead: counts[.dead] ?? 0,
                    oldestPendingAt: try tx.oldestPendingAt(), disabledNotifiers: try tx.disabledNotifiers()))
        }
    }

    public func detail(of id: InitiativeID, at now: Date) async throws -> InitiativeDetail {
        try await store.read { tx in
            guard let record = try tx.initiative(id) else {
                if configuration.initiatives[id] != nil {
                    return InitiativeDetail(status: unregistered(id), runs: [], recentEvents: [], surveys: nil)
                }
                throw EngineError.unknownInitiative(id, known: knownIDs)
            }
            var line = status(of: record, at: now)
            line.failure = record.lastError.map { EvaluationFailure(error: $0, since: record.failingSince ?? now) }
            return InitiativeDetail(
                status: line, runs: try tx.stepRuns(of: id),
                recentEvents: Array(try tx.events(of: id).suffix(20)), surveys: try surveyTrend(id, tx: tx))
        }
    }

    /// The full audit log of one initiative.
    public func history(of id: InitiativeID) async throws -> [EventRecord] {
        try await store.read { tx in
            guard try tx.initiative(id) != nil else { throw EngineError.unknownInitiative(id, known: knownIDs) }
            return try tx.events(of: id)
        }
    }

    private func status(of record: InitiativeRecord, at now: Date) -> InitiativeStatus {
        let state = record.state
        let context = configuration.context(for: state.id)
        let run = state.openRun
        let locale = run.flatMap { configuration.people[$0.owner]?.locale } ?? "en"
        var nextReminder: Date?
        if state.phase == .active, let run, let context, let step = context.workflow.step(run.stepID) {
            nextReminder = ReminderSchedule(run: run, policy: step.reminders, context: context).upcoming.first?.deliverAt
        }
        let overdue = run.map { Int(now.timeIntervalSince($0.dueAt)) }.flatMap { $0 > 0 ? $0 : nil }
        return InitiativeStatus(
            id: state.id, title: record.title, phase: state.phase.rawValue, cycle: state.cycle, step: run?.stepID,
            stepTitle: run.flatMap { context?.workflow.step($0.stepID)?.title.text(for: locale) },
            owner: run?.owner, ownerName: run.flatMap { configuration.people[$0.owner]?.name },
            startsAt: state.phase == .pending ? context?.startInstant : nil, dueAt: run?.dueAt,
            overdueBy: state.phase == .active ? overdue : nil, lastReminderAt: record.lastReminderAt,
            nextReminderAt: nextReminder)
    }

    private func unregistered(_ id: InitiativeID) -> InitiativeStatus {
        let context = configuration.context(for: id)
        return InitiativeStatus(
            id: id, title: context?.definition.title ?? id, phase: "unregistered", cycle: 1,
            startsAt: context?.startInstant)
    }
}
