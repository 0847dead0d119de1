import Foundation

/// The pure state machine of one initiative: `handle(event, at: now, in: context)` changes the
/// state and returns the effects. It never reads a clock and never performs I/O.
public struct InitiativeMachine: Sendable, Equatable {
    public private(set) var state: InitiativeState

    public init(state: InitiativeState) {
        self.state = state
    }

    /// Applies `event` at `now`. On error the state is unchanged.
    public mutating func handle(
        _ event: InitiativeEvent, at now: Date, in context: InitiativeContext
    ) throws(TransitionError) -> [Effect] {
        var next = self
        var effects: [Effect] = []
        try next.apply(event, at: now, in: context, effects: &effects)
        self = next
        return effects
    }

    /// The next instant at which `advance` would do something, or nil when only people can move
    /// this initiative on.
    public func nextWake(in context: InitiativeContext) -> Date? {
        switch state.phase {
        case .pending: return context.startInstant
        case .active:
            guard let run = state.openRun, let step = context.workflow.step(run.stepID) else { return nil }
            return ReminderSchedule(run: run, policy: step.reminders, context: context).upcoming.first?.deliverAt
        case .paused, .completed, .archived: return nil
        }
    }

    // MARK: - Events

    private mutating func apply(
        _ event: InitiativeEvent, at now: Date, in context: InitiativeContext, effects: inout [Effect]
    ) throws(TransitionError) {
        switch event {
        case .advance:
            try advance(to: now, in: context, effects: &effects)
        case .complete(let step, let actor, let note):
            try complete(step: step, by: actor, note: note, at: now, in: context, effects: &effects)
        case .reopen(let step, let actor, let note):
            try reopen(step: step, by: actor, note: note, at: now, in: context, effects: &effects)
        case .pause(let actor, let note):
            guard state.phase != .paused else { throw .alreadyPaused(state.id) }
            let run = try openRun(in: context, at: now)
            state.phase = .paused
            state.pausedAt = now
            record("initiative.paused", at: now, actor: actor, run: run, note: note, effects: &effects)
        case .resume(let actor):
            guard state.phase == .paused, var run = state.openRun, let pausedAt = state.pausedAt else {
                throw .notPaused(state.id)
            }
            // A step of days or business days keeps the working time it had left when it was
            // paused, counted on the owner's calendar from now, so its deadline never lands at
            // night or on a day off. A step of hours or minutes (exact elapsed time) and a step
            // already overdue when paused move by the time spent paused. Repeats and a snooze
            // keep their distance from the deadline.
            let zone = context.zone(of: run.owner)
            let elapsed = context.workflow.step(run.stepID)?.duration.elapsedSeconds != nil
            let due: Date
            if run.dueAt > pausedAt, !elapsed {
                let left = context.calendar.workingTime(from: pausedAt, to: run.dueAt, in: zone)
                due = context.calendar.adding(workingTime: left, to: now, in: zone)
            } else {
                due = run.dueAt + now.timeIntervalSince(pausedAt)
            }
            let shift = due.timeIntervalSince(run.dueAt)
            run.dueAt += shift
            for index in run.reminders.levels.indices {
                run.reminders.levels[index].lastSentAt? += shift
            }
            run.reminders.snoozedUntil? += shift
            state.openRun = run
            state.phase = .active
            state.pausedAt = nil
            record(
                "initiative.resumed", at: now, actor: actor, run: run,
                details: ["due": Timestamp.iso(run.dueAt)], effects: &effects)
        case .acknowledge(let actor):
            var run = try openRun(in: context, at: now)
            guard let level = run.reminders.currentLevel, !run.reminders.acknowledged.contains(level) else {
                throw .nothingToAcknowledge(state.id)
            }
            run.reminders.acknowledged.insert(level)
            state.openRun = run
            record("reminder.acknowledged", at: now, actor: actor, run: run, details: ["level": String(level)], effects: &effects)
        case .snooze(let until, let actor):
            var run = try openRun(in: context, at: now)
            run.reminders.snoozedUntil = max(until, now)
            state.openRun = run
            record("reminder.snoozed", at: now, actor: actor, run: run, details: ["until": Timestamp.iso(until)], effects: &effects)
        case .definitionChanged:
            try reconcile(at: now, in: context, effects: &effects)
        case .archive:
            guard state.phase != .archived else { return }
            state.archivedFrom = state.phase
            state.phase = .archived
            effects.append(.record(AuditEntry(kind: "initiative.archived", at: now, step: state.openRun?.stepID, cycle: state.cycle)))
        }
    }

    private mutating func advance(to now: Date, in context: InitiativeContext, effects: inout [Effect]) throws(TransitionError) {
        switch state.phase {
        case .pending:
            let start = context.startInstant
            guard now >= start, let first = context.workflow.steps.first else { return }
            // Found late (first run after the start date, or cxd was down): the step opened at
            // its start all the same, its deadline counts from there, and the reminders that
            // came due meanwhile follow the downtime rule.
            var details: [String: String] = [:]
            if let owner = context.definition.roles[first.owner], context.isLate(start, for: owner, at: now) {
                details["noticed"] = Timestamp.iso(now)
            }
            effects.append(.record(AuditEntry(kind: "initiative.started", at: start, cycle: state.cycle, details: details)))
            try open(first.id, at: start, in: context, effects: &effects)
            try sendDueReminders(at: now, in: context, effects: &effects)
        case .active:
            try sendDueReminders(at: now, in: context, effects: &effects)
        case .paused, .completed, .archived:
            return
        }
    }

    private mutating func sendDueReminders(at now: Date, in context: InitiativeContext, effects: inout [Effect]) throws(TransitionError) {
        guard var run = state.openRun, let step = context.workflow.step(run.stepID) else { return }
        effects += ReminderLadder.send(
            &run, policy: step.reminders, context: context, at: now, initiative: state.id,
            keyPrefix: "\(state.id)/run-\(run.number)")
        state.openRun = run
    }

    private mutating func complete(
        step requested: StepID?, by actor: String, note: String?, at now: Date, in context: InitiativeContext,
        effects: inout [Effect]
    ) throws(TransitionError) {
        let run = try openRun(in: context, at: now)
        if let requested, requested != run.stepID {
            guard context.workflow.step(requested) != nil else {
                throw .unknownStep(requested, workflow: context.workflow.id)
            }
            throw .wrongStep(state.id, requested: requested, open: run.stepID)
        }
        guard let step = context.workflow.step(run.stepID) else {
            throw .openStepRemoved(state.id, step: run.stepID, workflow: context.workflow.id)
        }
        let missing = context.definition.document.missing(step.requires)
        guard missing.isEmpty else { throw .requirementsMissing(state.id, step: step.id, missing: missing) }

        effects.append(.runClosed(RunClosure(number: run.number, at: now, outcome: .completed, actor: actor, note: note)))
        record("step.completed", at: now, actor: actor, run: run, note: note, effects: &effects)
        state.openRun = nil
        switch context.workflow.successor(of: step.id) {
        case .end:
            state.phase = .completed
            effects.append(.record(AuditEntry(kind: "initiative.completed", at: now, actor: actor, cycle: state.cycle)))
        case .step(let next, let loopsBack):
            if loopsBack {
                state.cycle += 1
                effects.append(.record(AuditEntry(
                    kind: "cycle.started", at: now, actor: actor, step: next, cycle: state.cycle,
                    details: ["from": step.id])))
            }
            try open(next, at: now, in: context, effects: &effects)
        }
    }

    private mutating func reopen(
        step target: StepID, by actor: String, note: String?, at now: Date, in context: InitiativeContext,
        effects: inout [Effect]
    ) throws(TransitionError) {
        guard context.workflow.step(target) != nil else { throw .unknownStep(target, workflow: context.workflow.id) }
        guard state.phase == .active || state.phase == .paused || state.phase == .completed else {
            throw .notOpen(state.id, phase: state.phase)
        }
        if let run = state.openRun {
            effects.append(.runClosed(RunClosure(number: run.number, at: now, outcome: .reopened, actor: actor, note: note)))
        }
        state.openRun = nil
        state.phase = .active
        state.pausedAt = nil
        effects.append(.record(AuditEntry(
            kind: "step.reopened", at: now, actor: actor, step: target, cycle: state.cycle,
            details: note.map { ["note": $0] } ?? [:])))
        try open(target, at: now, in: context, effects: &effects)
    }

    /// Opens a new run of `stepID` owned by the person bound to the step's role.
    private mutating func open(_ stepID: StepID, at now: Date, in context: InitiativeContext, effects: inout [Effect]) throws(TransitionError) {
        guard let step = context.workflow.step(stepID) else { throw .unknownStep(stepID, workflow: context.workflow.id) }
        guard let owner = context.definition.roles[step.owner] else { throw .unboundRole(state.id, role: step.owner) }
        state.runCount += 1
        let due = context.calendar.deadline(from: now, lasting: step.duration, in: context.zone(of: owner))
        let run = StepRun(number: state.runCount, stepID: step.id, cycle: state.cycle, owner: owner, startedAt: now, dueAt: due)
        state.openRun = run
        state.phase = .active
        effects.append(.runOpened(run))
        record("step.started", at: now, run: run, details: ["owner": owner, "due": Timestamp.iso(due)], effects: &effects)
        effects.append(.notify(Notice(
            key: "\(state.id)/run-\(run.number)/assigned-1", kind: .stepStarted, initiative: state.id, step: step.id,
            cycle: run.cycle, run: run.number, recipient: owner, owner: owner, level: nil, sequence: 1, dueAt: due,
            scheduledAt: now)))
    }

    /// The definition changed: restore an archived initiative, and give the open step to the
    /// person now bound to its role.
    private mutating func reconcile(at now: Date, in context: InitiativeContext, effects: inout [Effect]) throws(TransitionError) {
        if state.phase == .archived {
            state.phase = state.archivedFrom ?? .pending
            state.archivedFrom = nil
            effects.append(.record(AuditEntry(kind: "initiative.restored", at: now, step: state.openRun?.stepID, cycle: state.cycle)))
        }
        guard var run = state.openRun else { return }
        guard let step = context.workflow.step(run.stepID) else {
            throw .openStepRemoved(state.id, step: run.stepID, workflow: context.workflow.id)
        }
        guard let owner = context.definition.roles[step.owner] else { throw .unboundRole(state.id, role: step.owner) }
        guard owner != run.owner else { return }
        let previous = run.owner
        run.owner = owner
        run.assignments += 1
        run.reminders.acknowledged = []
        state.openRun = run
        record("step.reassigned", at: now, run: run, details: ["from": previous, "to": owner], effects: &effects)
        effects.append(.notify(Notice(
            key: "\(state.id)/run-\(run.number)/assigned-\(run.assignments)", kind: .stepReassigned, initiative: state.id,
            step: run.stepID, cycle: run.cycle, run: run.number, recipient: owner, owner: owner, level: nil,
            sequence: run.assignments, dueAt: run.dueAt, scheduledAt: now)))
    }

    private func openRun(in context: InitiativeContext, at now: Date) throws(TransitionError) -> StepRun {
        if state.phase == .pending { throw .notStarted(state.id, startsAt: context.startInstant) }
        guard let run = state.openRun, state.phase == .active || state.phase == .paused else {
            throw .notOpen(state.id, phase: state.phase)
        }
        return run
    }

    private func record(
        _ kind: String, at now: Date, actor: String? = nil, run: StepRun, note: String? = nil,
        details: [String: String] = [:], effects: inout [Effect]
    ) {
        var details = details
        if let note { details["note"] = note }
        effects.append(.record(AuditEntry(
            kind: kind, at: now, actor: actor, step: run.stepID, cycle: run.cycle, run: run.number, details: details)))
    }
}
