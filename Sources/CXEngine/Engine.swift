import CXConfig
import CXCore
import CXStore
import Foundation

/// The adapter around the pure machine: loads states from the store, applies events with the
/// contexts built from YAML, and writes the new states, audit entries and outbox messages in
/// one transaction. The daemon and every CLI command go through it.
public struct Engine: Sendable {
    public let configuration: Configuration
    public let store: Store

    public init(configuration: Configuration, store: Store) {
        self.configuration = configuration
        self.store = store
    }

    /// What one evaluation did.
    public struct Report: Sendable, Equatable {
        public var transitions = 0
        public var queued = 0
        public var nextWake: Date?
        /// Initiatives whose evaluation failed this time (each recorded on the initiative).
        public var failures = 0
    }

    /// How many initiatives one write transaction handles: the write lock is never held for
    /// long, so CLI commands and the dispatcher's outcome writes get their turn between chunks.
    public static let chunkSize = 200

    /// How long a failing initiative waits before it is evaluated again (a configuration
    /// change or a command on it makes it due at once).
    public static let failedRetryDelay: TimeInterval = 600

    /// A state change computed ahead of its write.
    struct Change: Sendable {
        var state: InitiativeState
        var title: String
        var workflow: WorkflowID
        var effects: [Effect]
        /// `updatedAt` of the stored row it was computed from (nil: a new initiative).
        var basedOn: Date?
        var summary = InitiativeSummary()
    }

    /// What the YAML asks of one initiative, or nil when the store already agrees.
    static func reconciliation(
        of record: InitiativeRecord?, id: InitiativeID, context: InitiativeContext, at now: Date
    ) throws -> Change? {
        guard let record else {
            let machine = InitiativeMachine(state: InitiativeState(id: id))
            let effects: [Effect] = [.record(AuditEntry(
                kind: "initiative.registered", at: now, cycle: 1,
                details: ["workflow": context.workflow.id, "file": context.definition.sourcePath]))]
            return Change(
                state: machine.state, title: context.definition.title, workflow: context.workflow.id, effects: effects,
                basedOn: nil, summary: Self.summary(of: machine.state, context: context))
        }
        var machine = InitiativeMachine(state: record.state)
        let effects = try machine.handle(.definitionChanged, at: now, in: context)
        let unchanged = record.title == context.definition.title && record.workflow == context.workflow.id
        if effects.isEmpty && unchanged { return nil }
        return Change(
            state: machine.state, title: context.definition.title, workflow: context.workflow.id, effects: effects,
            basedOn: record.updatedAt, summary: Self.summary(of: machine.state, context: context))
    }

    static func archive(_ machine: inout InitiativeMachine, configuration: Configuration, at now: Date) throws -> [Effect] {
        // Archiving needs no definition; any context works, so build a minimal one.
        let context = InitiativeContext(
            definition: InitiativeDefinition(
                id: machine.state.id, title: machine.state.id, workflow: "", roles: [:],
                start: LocalDate(year: 1970, month: 1, day: 1), document: .null, sourcePath: ""),
            workflow: Workflow(id: "", title: LocalizedText([:]), steps: []), people: [:],
            calendar: configuration.calendar, defaultTimeZone: configuration.defaultTimeZone)
        return try machine.handle(.archive, at: now, in: context)
    }

    /// Makes every initiative due for evaluation: after a configuration change that may move
    /// their wakes (calendar, workflows, people), and when the daemon starts.
    public func scheduleEveryone(at now: Date) async throws {
        try await store.write { tx in try tx.touchAll(at: now) }
    }

    /// Advances the initiatives that are due at `now` (found through the next-wake index, in
    /// chunks of `chunkSize` per transaction): starts those whose date came, sends the
    /// reminders and escalations that fell due, runs their survey loop. An initiative whose
    /// evaluation fails is set aside (its error recorded and shown by `cxd status`, the
    /// operators told once) and the others go on. Returns when anything will next be due.
    ///
    /// - Parameter queued: called after each chunk that queued messages, once they are
    ///   committed: the dispatcher can start on them while later chunks are evaluated.
    @discardableResult
    public func evaluate(at now: Date, queued: @Sendable () async -> Void = {}) async throws -> Report {
        var report = Report()
        while true {
            let chunk = try await store.write { tx in try evaluateDue(tx, at: now) }
            report.transitions += chunk.transitions
            report.queued += chunk.queued
            report.failures += chunk.failures
            if chunk.queued > 0 { await queued() }
            if chunk.handled < Self.chunkSize { break }
        }
        report.nextWake = try await store.read { tx in try tx.nextInitiativeWake() }
        return report
    }

    private struct ChunkResult: Sendable {
        var handled = 0
        var transitions = 0
        var queued = 0
        var failures = 0
    }

    /// One chunk of `evaluate`, inside one write transaction.
    private func evaluateDue(_ tx: StoreTransaction, at now: Date) throws -> ChunkResult {
        var result = ChunkResult()
        var notices: [Notice] = []
        var alerts: [OutboxMessage] = []
        let ids = try tx.dueInitiatives(at: now, limit: Self.chunkSize)
        result.handled = ids.count
        var configuration = configuration
        for id in ids {
            do {
                let outcome = try tx.isolating { try evaluateOne(id, tx: tx, configuration: &configuration, at: now) }
                notices += outcome.notices
                if outcome.changed { result.transitions += 1 }
            } catch let conflict as StoreConflict {
                // Another writer (a command, another node) changed it meanwhile: not a failure
                // of this initiative. The store runs the chunk again on what is there now.
                throw conflict
            } catch {
                result.failures += 1
                let reason = String(describing: error)
                let retry = now.addingTimeInterval(Self.failedRetryDelay)
                if try tx.recordEvaluationFailure(id, error: reason, at: now, retryAt: retry) {
                    try tx.record(
                        AuditEntry(kind: "evaluation.failed", at: now, cycle: 0, details: ["error": reason]), initiative: id)
                    alerts += OperatorAlert.evaluationFailed(id, reason: reason, configuration: configuration, at: now)
                }
            }
        }
        result.queued = try tx.enqueue(try Self.composer(configuration, tx).messages(for: notices, at: now))
        result.queued += try tx.enqueue(alerts)
        return result
    }

    /// Evaluates one initiative and stores its next wake. Throws on any failure; the caller
    /// rolls back what it wrote.
    private func evaluateOne(
        _ id: InitiativeID, tx: StoreTransaction, configuration: inout Configuration, at now: Date
    ) throws -> (changed: Bool, notices: [Notice]) {
        guard let record = try tx.initiative(id) else { return (false, []) }
        // Advancing never checks `requires:` (only a person completing a step does).
        try Self.load([id], into: &configuration, tx: tx, documents: false)
        guard let context = configuration.context(for: id) else {
            // Removed from the YAML: reconcile archives it; nothing to wake for meanwhile.
            try tx.setNextWake(id, at: nil)
            return (false, [])
        }
        var machine = InitiativeMachine(state: record.state)
        var notices: [Notice] = []
        var changed = false
        if let wake = machine.nextWake(in: context), wake <= now {
            let effects = try machine.handle(.advance, at: now, in: context)
            if !effects.isEmpty {
                try tx.save(machine.state, title: record.title, workflow: record.workflow, effects: effects, at: now)
                notices += effects.notices
                changed = true
            }
        }
        let survey = try SurveyCoordinator(configuration: configuration, tx: tx, now: now).advance(machine.state, context: context)
        notices += survey.notices
        // Anything due now was done above; a wake at or before now would only spin.
        let wake = [machine.nextWake(in: context), survey.nextWake].compactMap { $0 }.min().map { max($0, now.addingTimeInterval(1)) }
        try tx.setNextWake(id, at: wake, summary: Self.summary(of: machine.state, context: context))
        if let since = record.failingSince {
            try tx.clearEvaluationFailure(id)
            try tx.record(
                AuditEntry(kind: "evaluation.recovered", at: now, cycle: machine.state.cycle, details: ["since": Timestamp.iso(since)]),
                initiative: id)
        }
        return (changed, notices)
    }

    /// Applies a person's action (complete, reopen, pause, …) to one initiative.
    @discardableResult
    public func apply(_ event: InitiativeEvent, to id: InitiativeID, at now: Date) async throws -> [Effect] {
        try await apply(to: id, at: now) { _, _, _ in event }
    }

    /// Applies the event `make` returns for the initiative as it stands at `now`, in the same
    /// transaction: `make` may refuse (a person acting on someone else's step, a one-click
    /// link that was used or superseded) by throwing, and nothing is written. `via` is noted
    /// in the audit entries the action writes (`link`, `api`, `dashboard`).
    @discardableResult
    public func apply(
        to id: InitiativeID, at now: Date, via: String? = nil,
        _ make: @escaping @Sendable (InitiativeState, InitiativeContext, StoreTransaction) throws -> InitiativeEvent
    ) async throws -> [Effect] {
        try await store.write { [self] tx in
            guard let record = try tx.initiative(id) else { throw EngineError.unknownInitiative(id, known: try knownIDs(tx)) }
            var configuration = configuration
            try Self.load([id], into: &configuration, tx: tx)
            guard let context = configuration.context(for: id) else { throw EngineError.notConfigured(id) }
            var machine = InitiativeMachine(state: record.state)
            // Catch up first (a start date that passed, reminders due) so that the event meets
            // the state as it is at `now`, daemon running or not.
            var effects: [Effect] = []
            if let wake = machine.nextWake(in: context), wake <= now {
                effects += try machine.handle(.advance, at: now, in: context)
            }
            // The surveys meet the action first: completing a step ends its round (step 8 also
            // judges it) while the run is still open.
            let event = try make(machine.state, context, tx)
            let surveys = SurveyCoordinator(configuration: configuration, tx: tx, now: now)
            var notices = try surveys.handle(event, machine.state, context: context)
            let caughtUp = effects.count
            effects += try machine.handle(event, at: now, in: context)
            if let via {
                for index in effects.indices[caughtUp...] {
                    guard case .record(var entry) = effects[index], entry.actor != nil else { continue }
                    entry.details["via"] = via
                    effects[index] = .record(entry)
                }
            }
            try tx.save(
                machine.state, title: record.title, workflow: record.workflow, effects: effects, at: now,
                summary: Self.summary(of: machine.state, context: context))
            notices = effects.notices + notices + (try surveys.advance(machine.state, context: context).notices)
            try tx.enqueue(try Self.composer(configuration, tx).messages(for: notices, at: now))
            return effects
        }
    }

    /// What would happen from `start` until `end` if nobody acted (`only`: one initiative).
    /// Reads the stored states and definitions; nothing is written.
    public func plan(from start: Date, until end: Date, only: InitiativeID? = nil) async throws -> [PlanEntry] {
        var configuration = configuration
        let loaded = configuration.initiativesLoaded
        let (records, definitions) = try await store.read { tx in
            if let only {
                let record = try tx.initiative(only)
                return (record.map { [$0] } ?? [], loaded ? [] : try tx.definition(of: only).map { [$0] } ?? [])
            }
            return (try tx.initiatives(), loaded ? [] : try tx.allDefinitions())
        }
        for definition in definitions { configuration.initiatives[definition.id] = definition }
        return try Self.plan(records, configuration: configuration, from: start, until: end, only: only)
    }

    /// The plan of a configuration whose database does not exist yet: every initiative as it
    /// would start.
    public static func plan(_ configuration: Configuration, from start: Date, until end: Date, only: InitiativeID? = nil) throws -> [PlanEntry] {
        try plan([], configuration: configuration, from: start, until: end, only: only)
    }

    /// The stored initiatives as they stand, and those of `configuration` the store has not
    /// seen yet (no daemon run since they were added) as they would start.
    private static func plan(
        _ records: [InitiativeRecord], configuration: Configuration, from start: Date, until end: Date, only: InitiativeID?
    ) throws -> [PlanEntry] {
        if let only, records.isEmpty, configuration.initiatives[only] == nil {
            throw EngineError.unknownInitiative(only, known: configuration.initiatives.keys.sorted())
        }
        var items: [(machine: InitiativeMachine, context: InitiativeContext)] = []
        var known = Set<InitiativeID>()
        for record in records {
            guard let context = configuration.context(for: record.state.id) else { continue }
            known.insert(record.state.id)
            items.append((InitiativeMachine(state: record.state), context))
        }
        for id in configuration.initiatives.keys.sorted() where !known.contains(id) && (only == nil || only == id) {
            if let context = configuration.context(for: id) {
                items.append((InitiativeMachine(state: InitiativeState(id: id)), context))
            }
        }
        return Planner.plan(items, from: start, until: end, parallelism: ProcessInfo.processInfo.activeProcessorCount)
    }

    var knownIDs: [InitiativeID] { configuration.initiatives.keys.sorted() }

    /// The initiatives to name when an id is unknown: those of the configuration when it holds
    /// them all, else those the store runs (read only on this error path).
    func knownIDs(_ tx: StoreTransaction) throws -> [InitiativeID] {
        configuration.initiativesLoaded ? knownIDs : try tx.initiativeIDs(archived: false)
    }
}

public enum EngineError: Error, CustomStringConvertible, Equatable {
    case unknownInitiative(InitiativeID, known: [InitiativeID])
    case notConfigured(InitiativeID)
    case unknownMessage(Int64)
    case alreadyDelivered(Int64)
    case unknownNotifier(String, known: [String])
    case unknownPerson(PersonID, known: [PersonID])
    case unknownFollowUp(Int64)
    case followUpClosed(Int64)

    public var description: String {
        switch self {
        case .unknownInitiative(let id, let known):
            guard !known.isEmpty else { return "no initiative '\(id)' (`cxd status` lists them)" }
            let list = known.count > 20 ? known.prefix(20).joined(separator: ", ") + ", …" : known.joined(separator: ", ")
            return "no initiative '\(id)' (known: \(list))"
        case .notConfigured(let id):
            return "initiative '\(id)' is archived: its file is no longer in the configuration"
        case .unknownMessage(let id):
            return "no outbox message \(id) (`cxd outbox` lists them)"
        case .alreadyDelivered(let id):
            return "outbox message \(id) was delivered already"
        case .unknownNotifier(let name, let known):
            return "no notifier '\(name)' (known: \(known.joined(separator: ", ")))"
        case .unknownFollowUp(let id):
            return "no follow-up \(id) (`cxd followups` lists them)"
        case .followUpClosed(let id):
            return "follow-up \(id) is closed already"
        case .unknownPerson(let id, let known):
            return "no person '\(id)' (known: \(known.joined(separator: ", ")))"
        }
    }
}

extension Array where Element == Effect {
    var notices: [Notice] {
        compactMap { effect in
            if case .notify(let notice) = effect { return notice }
            return nil
        }
    }
}
