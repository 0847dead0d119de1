import CXConfig
import CXCore
import CXNotifiers
import CXStore
import Foundation

/// `cxd routes test`: who a notification would reach, through which notifiers, and why —
/// computed from the configuration and the initiative's open step, without sending anything.
public struct RouteReport: Codable, Sendable {
    public struct Delivery: Codable, Sendable {
        /// 0 due soon, 1 overdue, 2… escalation levels; nil for assignments.
        public var level: Int?
        public var recipient: PersonID
        public var recipientName: String
        public var email: String?
        public var notifiers: [String]
        public var because: String
        /// People in copy: the owner's manager on escalations by an email notifier with
        /// `cc_manager_on_escalation`.
        public var copies: [Copy] = []
    }

    /// Someone a delivery goes to in copy, through one notifier.
    public struct Copy: Codable, Sendable, Equatable {
        public var person: PersonID
        public var name: String
        public var email: String
        public var notifier: String
    }

    public var event: String
    public var initiative: InitiativeID
    public var step: StepID
    public var deliveries: [Delivery]
}

extension Engine {
    /// Accepts `step.overdue` or the short `overdue`.
    public static func eventKind(_ text: String) -> Notice.Kind? {
        Notice.Kind(rawValue: text) ?? Notice.Kind(rawValue: "step." + text)
    }

    public func routeReport(event: Notice.Kind, initiative id: InitiativeID, at now: Date) async throws -> RouteReport {
        let configuration = try await withDefinitions(of: [id])
        guard configuration.context(for: id) != nil else {
            throw EngineError.unknownInitiative(id, known: knownIDs)
        }
        let stored = try await store.read { tx in try tx.initiative(id) }
        return try Self.routeReport(event: event, initiative: id, openRun: stored?.state.openRun, configuration: configuration, at: now)
    }

    /// The report from the configuration alone, for a project whose database does not exist
    /// yet (`cxd routes test` creates nothing): the first step as it would open now.
    public static func routeReport(
        event: Notice.Kind, initiative id: InitiativeID, openRun: StepRun?, configuration: Configuration, at now: Date
    ) throws -> RouteReport {
        guard let context = configuration.context(for: id) else {
            throw EngineError.unknownInitiative(id, known: configuration.initiatives.keys.sorted())
        }
        // The open step if the initiative runs, else the first step as it would open now.
        let run: StepRun
        if let open = openRun {
            run = open
        } else if let first = context.workflow.steps.first, let owner = context.definition.roles[first.owner] {
            run = StepRun(number: 1, stepID: first.id, cycle: 1, owner: owner, startedAt: now, dueAt: now)
        } else {
            throw EngineError.notConfigured(id)
        }
        let policy = context.workflow.step(run.stepID)?.reminders
        let schedule = policy.map { ReminderSchedule(run: run, policy: $0, context: context) }
        var targets: [(Int?, PersonID)] = []
        switch event {
        case .stepStarted, .stepReassigned, .surveyRequested, .surveyClosed, .cycleEvaluated, .followUpOpened:
            targets = [(nil, run.owner)]
        case .dueSoon: targets = [(0, run.owner)]
        case .overdue: targets = [(1, run.owner)]
        case .escalated:
            let levels = policy.map { 2..<(2 + $0.escalations.count) } ?? 2..<2
            targets = levels.compactMap { level in schedule?.recipient(level: level).map { (level, $0) } }
        }
        let labels = context.definition.labels
        let manager = configuration.people[run.owner]?.manager.flatMap { configuration.people[$0] }
        let deliveries = targets.map { level, person in
            let profile = configuration.people[person]
            let route = configuration.routes.resolve(
                event: event.rawValue, initiative: id, labels: labels, preferred: profile?.notifiers ?? [])
            var delivery = RouteReport.Delivery(
                level: level, recipient: person, recipientName: profile?.name ?? person, email: profile?.email,
                notifiers: route.notifiers, because: route.source.description)
            if let manager, let address = manager.email,
               EmailNotifier.copiesManager(kind: event.rawValue, manager: address, recipient: profile?.email) {
                let copying = configuration.notifiers.filter {
                    route.notifiers.contains($0.name) && EmailNotifier.copiesManager(on: event.rawValue, config: $0)
                }
                delivery.copies = copying.map {
                    RouteReport.Copy(person: manager.id, name: manager.name, email: address, notifier: $0.name)
                }
            }
            return delivery
        }
        return RouteReport(event: event.rawValue, initiative: id, step: run.stepID, deliveries: deliveries)
    }
}
