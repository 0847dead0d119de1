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
    }

    /// Brings the store in line with the YAML: new initiatives are registered, changed ones
    /// reconciled (a new role binding reassigns the open step), removed ones archived. All or
    /// nothing: if one initiative cannot follow the change, nothing is written.
    @discardableResult
    public func reconcile(at now: Date) throws -> Report {
        try store.write { tx in
            var report = Report()
            var notices: [Notice] = []
            let stored = Dictionary(uniqueKeysWithValues: try tx.initiatives().map { ($0.state.id, $0) })
            for id in configuration.initiatives.keys.sorted() {
                guard let context = configuration.context(for: id) else { continue }
                var effects: [Effect]
                var machine: InitiativeMachine
                if let record = stored[id] {
                    machine = InitiativeMachine(state: record.state)
                    effects = try machine.handle(.definitionChanged, at: now, in: context)
                    let unchanged = record.title == context.definition.title && record.workflow == context.workflow.id
                    if effects.isEmpty && unchanged { continue }
                } else {
                    machine = InitiativeMachine(state: InitiativeState(id: id))
                    effects = [.record(AuditEntry(
                        kind: "initiative.registered", at: now, cycle: 1,
                        details: ["workflow": context.workflow.id, "file": context.definition.sourcePath]))]
                }
                try tx.save(machine.state, title: context.definition.title, workflow: context.workflow.id, effects: effects, at: now)
                notices += effects.notices
                report.transitions += 1
            }
            for (id, record) in stored where configuration.initiatives[id] == nil && record.state.phase != .archived {
                var machine = InitiativeMachine(state: record.state)
                let effects = try archive(&machine, at: now)
                try tx.save(machine.state, title: record.title, workflow: record.workflow, effects: effects, at: now)
                report.transitions += 1
            }
            report.queued = try tx.enqueue(NotificationComposer(configuration: configuration).messages(for: notices, at: now))
            return report
        }
    }

    private func archive(_ machine: inout InitiativeMachine, at now: Date) throws -> [Effect] {
        // Archiving needs no definition; any context works, so build a minimal one.
        let context = InitiativeContext(
            definition: InitiativeDefinition(
                id: machine.state.id, title: machine.state.id, workflow: "", roles: [:],
                start: LocalDate(year: 1970, month: 1, day: 1), document: .null, sourcePath: ""),
            workflow: Workflow(id: "", title: LocalizedText([:]), steps: []), people: [:],
            calendar: configuration.calendar, defaultTimeZone: configuration.defaultTimeZone)
        return try machine.handle(.archive, at: now, in: context)
    }

    /// Advances every initiative to `now`: starts those whose date came, sends the reminders
    /// and escalations that fell due. Returns when anything will next be due.
    @discardableResult
    public func evaluate(at now: Date) throws -> Report {
        try store.write { tx in
            var report = Report()
            var notices: [Notice] = []
            let surveys = SurveyCoordinator(configuration: configuration, tx: tx, now: now)
            for record in try tx.initiatives() {
                guard let context = configuration.context(for: record.state.id) else { continue }
                var machine = InitiativeMachine(state: record.state)
                if let wake = machine.nextWake(in: context), wake <= now {
                    let effects = try machine.handle(.advance, at: now, in: context)
                    if !effects.isEmpty {
                        try tx.save(machine.state, title: record.title, workflow: record.workflow, effects: effects, at: now)
                        notices += effects.notices
                        report.transitions += 1
                    }
                }
                let survey = try surveys.advance(machine.state, context: context)
                notices += survey.notices
                for wake in [machine.nextWake(in: context), survey.nextWake].compactMap({ $0 }) {
                    report.nextWake = min(report.nextWake ?? wake, wake)
                }
            }
            report.queued = try tx.enqueue(NotificationComposer(configuration: configuration).messages(for: notices, at: now))
            return report
        }
    }

    /// Applies a person's action (complete, reopen, pause, …) to one initiative.
    @discardableResult
    public func apply(_ event: InitiativeEvent, to id: InitiativeID, at now: Date) throws -> [Effect] {
        try store.write { tx in
            guard let record = try tx.initiative(id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
            guard let context = configuration.context(for: id) else { throw EngineError.notConfigured(id) }
            var machine = InitiativeMachine(state: record.state)
            // Catch up first (a start date that passed, reminders due) so that the event meets
            // the state as it is at `now`, daemon running or not.
            var effects: [Effect] = []
            if let wake = machine.nextWake(in: context), wake <= now {
                effects += try machine.handle(.advance, at: now, in: context)
            }
            let surveys = SurveyCoordinator(configuration: configuration, tx: tx, now: now)
            var notices: [Notice] = []
            // A step that closes ends its survey round; step 8 (evaluate) also judges the round.
            if let run = machine.state.openRun, let step = context.workflow.step(run.stepID) {
                switch event {
                case .complete(let requested, _, _) where requested == nil || requested == step.id:
                    if step.evaluates, context.definition.document.missing(step.requires).isEmpty {
                        notices += try surveys.evaluate(machine.state, context: context)
                    } else {
                        notices += try surveys.finishRound(of: run, state: machine.state, context: context)
                    }
                case .reopen:
                    notices += try surveys.finishRound(of: run, state: machine.state, context: context)
                default:
                    break
                }
            }
            effects += try machine.handle(event, at: now, in: context)
            try tx.save(machine.state, title: record.title, workflow: record.workflow, effects: effects, at: now)
            notices = effects.notices + notices + (try surveys.advance(machine.state, context: context).notices)
            try tx.enqueue(NotificationComposer(configuration: configuration).messages(for: notices, at: now))
            return effects
        }
    }

    /// What would happen from `start` until `end` if nobody acted.
    public func plan(from start: Date, until end: Date) throws -> [PlanEntry] {
        let records = try store.read { tx in try tx.initiatives() }
        var items: [(machine: InitiativeMachine, context: InitiativeContext)] = []
        var known = Set<InitiativeID>()
        for record in records {
            guard let context = configuration.context(for: record.state.id) else { continue }
            known.insert(record.state.id)
            items.append((InitiativeMachine(state: record.state), context))
        }
        // Initiatives in YAML that the store has not seen yet (no daemon run since they were added).
        for id in configuration.initiatives.keys.sorted() where !known.contains(id) {
            if let context = configuration.context(for: id) {
                items.append((InitiativeMachine(state: InitiativeState(id: id)), context))
            }
        }
        return Planner.plan(items, from: start, until: end)
    }

    var knownIDs: [InitiativeID] { configuration.initiatives.keys.sorted() }
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
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
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
