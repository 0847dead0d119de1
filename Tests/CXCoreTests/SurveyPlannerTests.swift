import CXCore
import Foundation
import Testing

/// The mini workflow with survey duties: insight opens a round, design runs on the cadence,
/// resurvey opens one and evaluates.
func surveyContext(gap: WorkDuration = .days(7)) -> InitiativeContext {
    var workflow = Fixture.workflow
    workflow.steps[1].survey = .open
    workflow.steps[2].survey = .cadence
    workflow.steps[3].survey = .open
    workflow.steps[3].evaluates = true
    var definition = Fixture.definition()
    definition.survey = SurveySettings(scale: .csat, window: .weeks(2), cadence: .weeks(2), minimumGap: gap)
    return Fixture.context(definition, workflow: workflow)
}

@Suite("Survey rounds: when they open, wait and close")
struct SurveyPlannerTests {
    func state(step: StepID, run: Int, startedAt: Date) -> InitiativeState {
        var state = InitiativeState(id: "pos")
        state.phase = .active
        state.openRun = StepRun(number: run, stepID: step, cycle: 1, owner: "minh", startedAt: startedAt, dueAt: startedAt + 86_400 * 14)
        return state
    }

    @Test func aStepWithSurveyOpenRequestsOneRoundForItsRun() {
        let context = surveyContext()
        let now = Fixture.date("2026-12-07T02:00:00Z")
        let planner = SurveyPlanner(settings: context.definition.survey!, context: context, state: state(step: "insight", run: 2, startedAt: now), rounds: [])
        guard case .request(let round)? = planner.decisions(at: now).first else {
            Issue.record("no round requested")
            return
        }
        #expect(round.status == .open)
        #expect(round.trigger == .step("insight", run: 2))
        #expect(round.closesAt == Fixture.date("2026-12-21T02:00:00Z"))  // 2w window
        // Once the round exists, nothing more is requested for that run.
        let after = SurveyPlanner(settings: context.definition.survey!, context: context, state: state(step: "insight", run: 2, startedAt: now), rounds: [round])
        #expect(after.decisions(at: now).isEmpty)
        #expect(after.nextWake() == round.closesAt)
        #expect(after.decisions(at: round.closesAt!) == [.close(round, reason: "window")])
    }

    @Test func theFatigueGuardDelaysARoundAndRecordsWhenItWillOpen() {
        let context = surveyContext(gap: .days(7))
        var previous = SurveyRound(
            number: 1, initiative: "pos", cycle: 1, trigger: .cadence, status: .closed,
            requestedAt: Fixture.date("2026-12-03T02:00:00Z"), opensAt: Fixture.date("2026-12-03T02:00:00Z"), closesAt: nil)
        previous.closedAt = Fixture.date("2026-12-05T02:00:00Z")
        let now = Fixture.date("2026-12-07T02:00:00Z")
        let planner = SurveyPlanner(settings: context.definition.survey!, context: context, state: state(step: "resurvey", run: 4, startedAt: now), rounds: [previous])
        guard case .request(let delayed)? = planner.decisions(at: now).first else {
            Issue.record("no round requested")
            return
        }
        #expect(delayed.status == .delayed)
        #expect(delayed.opensAt == Fixture.date("2026-12-10T02:00:00Z"))
        let waiting = SurveyPlanner(settings: context.definition.survey!, context: context, state: state(step: "resurvey", run: 4, startedAt: now), rounds: [previous, delayed])
        #expect(waiting.nextWake() == delayed.opensAt)
        guard case .open(let opened)? = waiting.decisions(at: delayed.opensAt).first else {
            Issue.record("the delayed round did not open")
            return
        }
        #expect(opened.status == .open)
        #expect(opened.closesAt == Fixture.date("2026-12-24T02:00:00Z"))
    }

    @Test func aCadenceStepOpensRoundsOnTheCadenceAndAStepRoundSupersedesAnOpenOne() {
        let context = surveyContext(gap: .days(1))
        let started = Fixture.date("2026-12-01T02:00:00Z")
        let first = SurveyRound(
            number: 1, initiative: "pos", cycle: 1, trigger: .cadence, status: .closed, requestedAt: started, opensAt: started,
            closesAt: started + 86_400 * 14)
        let design = state(step: "design", run: 3, startedAt: started)
        let planner = SurveyPlanner(settings: context.definition.survey!, context: context, state: design, rounds: [first])
        #expect(planner.nextWake() == Fixture.date("2026-12-15T02:00:00Z"))
        #expect(planner.decisions(at: Fixture.date("2026-12-14T02:00:00Z")).isEmpty)
        guard case .request(let second)? = planner.decisions(at: Fixture.date("2026-12-15T02:00:00Z")).first else {
            Issue.record("no cadence round")
            return
        }
        #expect(second.trigger == .cadence)
        let resurvey = state(step: "resurvey", run: 4, startedAt: Fixture.date("2026-12-20T02:00:00Z"))
        let decisions = SurveyPlanner(settings: context.definition.survey!, context: context, state: resurvey, rounds: [first, second])
            .decisions(at: Fixture.date("2026-12-20T02:00:00Z"))
        #expect(decisions.count == 2)
        #expect(decisions.first == .close(second, reason: "superseded by the round of step resurvey"))
    }

    @Test func anEarlyRoundOnlyWhileACadenceStepRunsAndNothingIsOpen() {
        let context = surveyContext(gap: .days(7))
        let now = Fixture.date("2026-12-07T02:00:00Z")
        let monitor = SurveyPlanner(settings: context.definition.survey!, context: context, state: state(step: "design", run: 3, startedAt: now), rounds: [])
        #expect(monitor.earlyRound(at: now)?.trigger == .threshold)
        let insight = SurveyPlanner(settings: context.definition.survey!, context: context, state: state(step: "insight", run: 2, startedAt: now), rounds: [])
        #expect(insight.earlyRound(at: now) == nil)
    }
}
