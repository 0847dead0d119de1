import CXCore
import Foundation
import Testing

/// Drives a machine from wake-up to wake-up, like the scheduler, collecting the notices.
func run(
    _ machine: inout InitiativeMachine, context: InitiativeContext, until end: Date
) throws -> [(at: Date, notice: Notice)] {
    var sent: [(Date, Notice)] = []
    while let wake = machine.nextWake(in: context), wake <= end {
        let effects = try machine.handle(.advance, at: wake, in: context)
        sent += effects.notices.map { (wake, $0) }
    }
    return sent
}

@Suite("The initiative state machine")
struct InitiativeMachineTests {
    let context = Fixture.context()

    func started() throws -> InitiativeMachine {
        var machine = InitiativeMachine(state: InitiativeState(id: "pos"))
        _ = try machine.handle(.advance, at: Fixture.date("2026-12-01T02:00:00Z"), in: context)
        return machine
    }

    @Test func pendingUntilTheStartDateThenTheFirstStepOpens() throws {
        var machine = InitiativeMachine(state: InitiativeState(id: "pos"))
        #expect(machine.nextWake(in: context) == Fixture.date("2026-12-01T02:00:00Z"))  // 09:00 Hanoi
        #expect(try machine.handle(.advance, at: Fixture.date("2026-11-30T00:00:00Z"), in: context).isEmpty)
        let effects = try machine.handle(.advance, at: Fixture.date("2026-12-01T02:00:00Z"), in: context)
        #expect(machine.state.phase == .active)
        #expect(machine.state.openRun?.stepID == "scope")
        #expect(machine.state.openRun?.owner == "lan")
        #expect(machine.state.openRun?.dueAt == Fixture.date("2026-12-08T10:00:00Z"))  // 5bd, 17:00 Hanoi
        #expect(effects.notices.map(\.kind) == [.stepStarted])
        #expect(effects.records.map(\.kind) == ["initiative.started", "step.started"])
    }

    @Test func remindersFollowTheLadderInsideWorkingHours() throws {
        var machine = try started()
        let sent = try run(&machine, context: context, until: Fixture.date("2027-01-31T00:00:00Z"))
        let lines = sent.map { "\(Timestamp.iso($0.at)) \($0.notice.kind.rawValue) \($0.notice.recipient) L\($0.notice.level ?? -1)#\($0.notice.sequence)" }
        #expect(lines == [
            "2026-12-07T02:00:00Z step.due_soon lan L0#1",  // 2d before Tue 17:00 = Sun → Mon 09:00
            "2026-12-08T06:00:00Z step.due_soon lan L0#2",  // 4h before
            "2026-12-09T02:00:00Z step.overdue lan L1#1",  // due 17:00 is after hours → next morning
            "2026-12-10T02:00:00Z step.overdue lan L1#2",
            "2026-12-11T02:00:00Z step.overdue lan L1#3",  // cap 3
            "2026-12-11T02:00:00Z step.escalated hung L2#1",  // 2bd after due → Thu 17:00 → Fri 09:00, manager
            "2026-12-14T02:00:00Z step.escalated hung L2#2",  // +2d = Sunday → Monday morning
            "2026-12-16T02:00:00Z step.escalated lan L3#1",  // 5bd after due, role sponsor
        ])
        #expect(machine.nextWake(in: context) == nil)
        #expect(Set(sent.map(\.notice.key)).count == sent.count)
    }

    @Test func completingRefusesWhileRequirementsAreMissing() throws {
        var machine = try started()
        let empty = Fixture.context(Fixture.definition(target: false))
        #expect(throws: TransitionError.requirementsMissing("pos", step: "scope", missing: ["goal.target"])) {
            _ = try machine.handle(.complete(step: nil, by: "lan", note: nil), at: Fixture.date("2026-12-02T02:00:00Z"), in: empty)
        }
        #expect(machine.state.openRun?.stepID == "scope")
    }

    @Test func completingTheWrongStepNamesTheOpenOne() throws {
        var machine = try started()
        #expect(throws: TransitionError.wrongStep("pos", requested: "design", open: "scope")) {
            _ = try machine.handle(.complete(step: "design", by: "lan", note: nil), at: Fixture.date("2026-12-02T02:00:00Z"), in: context)
        }
        #expect(throws: TransitionError.unknownStep("nope", workflow: "mini")) {
            _ = try machine.handle(.complete(step: "nope", by: "lan", note: nil), at: Fixture.date("2026-12-02T02:00:00Z"), in: context)
        }
    }

    @Test func theLoopBackEdgeStartsTheNextCycle() throws {
        var machine = try started()
        var at = Fixture.date("2026-12-02T02:00:00Z")
        var steps: [String] = []
        for _ in 0..<7 {
            _ = try machine.handle(.complete(step: nil, by: "test", note: nil), at: at, in: context)
            steps.append("\(machine.state.openRun!.stepID)@\(machine.state.cycle)")
            at += 3600
        }
        #expect(steps == ["insight@1", "design@1", "resurvey@1", "insight@2", "design@2", "resurvey@2", "insight@3"])
    }

    @Test func acknowledgingStopsTheCurrentLevelButNotTheNext() throws {
        var machine = try started()
        _ = try run(&machine, context: context, until: Fixture.date("2026-12-09T02:00:00Z"))  // first overdue sent
        _ = try machine.handle(.acknowledge(by: "lan"), at: Fixture.date("2026-12-09T03:00:00Z"), in: context)
        let rest = try run(&machine, context: context, until: Fixture.date("2027-01-31T00:00:00Z"))
        #expect(rest.map(\.notice.kind) == [.escalated, .escalated, .escalated])
        // The highest level reached (3) is acknowledged next; after that there is nothing left.
        _ = try machine.handle(.acknowledge(by: "lan"), at: Fixture.date("2027-01-31T00:00:00Z"), in: context)
        #expect(machine.state.openRun?.reminders.acknowledged == [1, 3])
        #expect(throws: TransitionError.nothingToAcknowledge("pos")) {
            _ = try machine.handle(.acknowledge(by: "lan"), at: Fixture.date("2027-01-31T00:00:00Z"), in: context)
        }
    }

    @Test func snoozeHoldsRemindersButNotTheDeadline() throws {
        var machine = try started()
        let due = machine.state.openRun!.dueAt
        _ = try machine.handle(.snooze(until: Fixture.date("2026-12-10T00:00:00Z"), by: "lan"), at: Fixture.date("2026-12-02T00:00:00Z"), in: context)
        #expect(machine.state.openRun!.dueAt == due)
        let sent = try run(&machine, context: context, until: Fixture.date("2026-12-10T23:00:00Z"))
        // Both due-soon reminders and the first overdue fell inside the snooze: one overdue at its end.
        #expect(sent.map { "\(Timestamp.iso($0.at)) \($0.notice.kind.rawValue)" } == ["2026-12-10T02:00:00Z step.overdue"])
    }

    @Test func pauseFreezesRemindersAndResumeMovesTheDeadline() throws {
        var machine = try started()
        _ = try machine.handle(.pause(by: "hung", note: "Tết"), at: Fixture.date("2026-12-02T02:00:00Z"), in: context)
        #expect(machine.nextWake(in: context) == nil)
        #expect(throws: TransitionError.alreadyPaused("pos")) {
            _ = try machine.handle(.pause(by: "hung", note: nil), at: Fixture.date("2026-12-03T02:00:00Z"), in: context)
        }
        _ = try machine.handle(.resume(by: "hung"), at: Fixture.date("2026-12-09T02:00:00Z"), in: context)
        #expect(machine.state.phase == .active)
        #expect(machine.state.openRun!.dueAt == Fixture.date("2026-12-15T10:00:00Z"))  // +7 days
    }

    @Test func resumeKeepsTheWorkingTimeLeftOnTheOwnersCalendar() throws {
        var machine = try started()  // scope due Tuesday 8 Dec 17:00 Hanoi
        // Paused Friday 4 Dec 16:00 with 17 working hours left (Friday 1, Monday 8, Tuesday 8),
        // resumed Saturday 22:00: wall-clock time would put the deadline on Wednesday 23:00.
        _ = try machine.handle(.pause(by: "lan", note: nil), at: Fixture.date("2026-12-04T09:00:00Z"), in: context)
        _ = try machine.handle(.resume(by: "lan"), at: Fixture.date("2026-12-05T15:00:00Z"), in: context)
        // Monday 8, Tuesday 8, Wednesday 1: Wednesday 9 Dec 10:00.
        #expect(machine.state.openRun!.dueAt == Fixture.date("2026-12-09T03:00:00Z"))
    }

    @Test func aStepOfHoursMovesByTheElapsedPause() throws {
        var workflow = Fixture.workflow
        workflow.steps[0].duration = .hours(4)
        let hours = Fixture.context(workflow: workflow)
        var machine = InitiativeMachine(state: InitiativeState(id: "pos"))
        _ = try machine.handle(.advance, at: Fixture.date("2026-12-01T02:00:00Z"), in: hours)  // due 13:00 Hanoi
        _ = try machine.handle(.pause(by: "lan", note: nil), at: Fixture.date("2026-12-01T03:00:00Z"), in: hours)
        _ = try machine.handle(.resume(by: "lan"), at: Fixture.date("2026-12-01T03:10:00Z"), in: hours)
        #expect(machine.state.openRun!.dueAt == Fixture.date("2026-12-01T06:10:00Z"))  // 4h is exact elapsed time
    }

    @Test func aStepOverdueWhenPausedStaysOverdueByAsLong() throws {
        var machine = try started()
        // Due Tuesday 8 Dec 17:00; paused a day late, resumed a week later.
        _ = try machine.handle(.pause(by: "lan", note: nil), at: Fixture.date("2026-12-09T10:00:00Z"), in: context)
        _ = try machine.handle(.resume(by: "lan"), at: Fixture.date("2026-12-16T10:00:00Z"), in: context)
        #expect(machine.state.openRun!.dueAt == Fixture.date("2026-12-15T10:00:00Z"))
    }

    @Test func aChangedRoleBindingReassignsTheOpenStepAndNotifiesTheNewOwner() throws {
        var machine = try started()
        let changed = Fixture.context(Fixture.definition(roles: ["sponsor": "hung", "analyst": "minh"]))
        let effects = try machine.handle(.definitionChanged, at: Fixture.date("2026-12-02T02:00:00Z"), in: changed)
        #expect(machine.state.openRun?.owner == "hung")
        #expect(effects.notices.map { "\($0.kind.rawValue) \($0.recipient) \($0.key)" } == ["step.reassigned hung pos/run-1/assigned-2"])
        #expect(try machine.handle(.definitionChanged, at: Fixture.date("2026-12-02T03:00:00Z"), in: changed).isEmpty)
    }

    @Test func archivingKeepsTheStateAndTheDefinitionComingBackRestoresIt() throws {
        var machine = try started()
        _ = try machine.handle(.archive, at: Fixture.date("2026-12-02T02:00:00Z"), in: context)
        #expect(machine.state.phase == .archived)
        #expect(machine.nextWake(in: context) == nil)
        _ = try machine.handle(.definitionChanged, at: Fixture.date("2026-12-03T02:00:00Z"), in: context)
        #expect(machine.state.phase == .active)
        #expect(machine.state.openRun?.stepID == "scope")
    }

    @Test func aWorkflowThatNoLongerHasTheOpenStepIsRefused() throws {
        var machine = try started()
        var shorter = Fixture.workflow
        shorter.steps.removeFirst()
        #expect(throws: TransitionError.openStepRemoved("pos", step: "scope", workflow: "mini")) {
            _ = try machine.handle(.definitionChanged, at: Fixture.date("2026-12-02T02:00:00Z"), in: Fixture.context(workflow: shorter))
        }
    }

    @Test func remindersFoundLateAreEveryOneListedEachAtItsOwnTime() throws {
        var machine = try started()
        // Nothing ran for three weeks. Scope (5bd from Tuesday 1 Dec 09:00 Hanoi) was due
        // Tuesday 8 Dec 17:00; working hours 09:00–17:00, Christmas a holiday.
        let now = Fixture.date("2026-12-22T04:00:00Z")
        let effects = try machine.handle(.advance, at: now, in: context)
        let listed = effects.notices.map { "L\($0.level!) \(Timestamp.iso($0.scheduledAt))" }
        #expect(listed == [
            "L0 2026-12-07T02:00:00Z",  // 2d before: Sunday, moved to Monday 09:00
            "L0 2026-12-08T06:00:00Z",  // 4h before
            "L1 2026-12-09T02:00:00Z", "L1 2026-12-10T02:00:00Z", "L1 2026-12-11T02:00:00Z",  // every 1d, max 3
            "L2 2026-12-11T02:00:00Z", "L2 2026-12-14T02:00:00Z",  // after 2bd, every 2d (Sunday moved), max 2
            "L3 2026-12-16T02:00:00Z",  // after 5bd, max 1
        ])
        // Each is in the audit log, sent through the digest.
        let audited = effects.records.filter { $0.kind.hasPrefix("reminder.") }
        #expect(audited.count == 8)
        #expect(audited.allSatisfy { $0.details["via"] == "digest" && $0.at == now })
        // Every level is spent: nothing more to send, however long it stays open.
        #expect(machine.nextWake(in: context) == nil)
    }

    @Test func aLateEvaluationWithinTheGraceSendsOneReminderPerLevelNotABurst() throws {
        var lenient = context
        lenient.downtimeGrace = .days(3)
        var machine = InitiativeMachine(state: InitiativeState(id: "pos"))
        _ = try machine.handle(.advance, at: Fixture.date("2026-12-01T02:00:00Z"), in: lenient)
        // Friday 11 Dec 10:00: the overdue repeats of Wednesday, Thursday and Friday 09:00 all
        // came due, within the three days' grace: one goes out, the series counts from now.
        let now = Fixture.date("2026-12-11T03:00:00Z")
        let effects = try machine.handle(.advance, at: now, in: lenient)
        let overdue = effects.notices.filter { $0.level == 1 }
        #expect(overdue.map(\.sequence) == [1])
        #expect(effects.records.filter { $0.details["level"] == "1" }.allSatisfy { $0.details["via"] == nil })
        // Saturday 12 10:00, moved to Monday 09:00 (the escalations, after 2bd and 5bd, come later).
        #expect(machine.nextWake(in: lenient) == Fixture.date("2026-12-14T02:00:00Z"))
    }

    @Test func aRepeatFoundLateKeepsTheCadence() throws {
        var machine = try started()
        // Due Tuesday 8 Dec 17:00; overdue repeats from Wednesday 9 09:00 every day. cxd is
        // down from Wednesday morning to Thursday 15:00: Wednesday's and Thursday's repeats are
        // listed in the digest, and Friday's still goes out at 09:00, not at 15:00.
        _ = try machine.handle(.advance, at: Fixture.date("2026-12-09T01:00:00Z"), in: context)
        _ = try machine.handle(.advance, at: Fixture.date("2026-12-10T08:00:00Z"), in: context)
        #expect(machine.nextWake(in: context) == Fixture.date("2026-12-11T02:00:00Z"))
    }

    @Test func reopeningGoesBackWithoutChangingTheCycle() throws {
        var machine = try started()
        _ = try machine.handle(.complete(step: "scope", by: "lan", note: nil), at: Fixture.date("2026-12-02T02:00:00Z"), in: context)
        let effects = try machine.handle(.reopen(step: "scope", by: "hung", note: "target changed"), at: Fixture.date("2026-12-03T02:00:00Z"), in: context)
        #expect(machine.state.openRun?.stepID == "scope")
        #expect(machine.state.openRun?.number == 3)
        #expect(machine.state.cycle == 1)
        #expect(effects.records.map(\.kind) == ["step.reopened", "step.started"])
    }
}
