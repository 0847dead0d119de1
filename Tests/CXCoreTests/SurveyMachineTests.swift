import CXCore
import Foundation
import PropertyBased
import Testing

/// The survey machine decides, purely, everything that happens to a round.
@Suite("Survey machine: what happens to rounds when time passes, steps close and answers arrive")
struct SurveyMachineTests {
    static let start = Fixture.date("2026-12-07T02:00:00Z")

    func state(step: StepID, run: Int, startedAt: Date = start) -> InitiativeState {
        var state = InitiativeState(id: "pos")
        state.phase = .active
        state.openRun = StepRun(number: run, stepID: step, cycle: 1, owner: "minh", startedAt: startedAt, dueAt: startedAt + 86_400 * 14)
        return state
    }

    func context(quota: Int? = nil, dropBelow: Double? = nil, minimumSample: Int = 1, goal: Goal? = nil) -> InitiativeContext {
        var context = surveyContext(gap: .days(1))
        context.definition.survey?.quota = quota
        context.definition.survey?.dropBelow = dropBelow
        context.definition.survey?.minimumSample = minimumSample
        context.definition.survey?.followUpOwnerRole = "sponsor"
        context.definition.touchpoints = [Touchpoint(id: "till", name: "Till", stage: "pay", owner: "hung")]
        if let goal { context.definition.goal = goal }
        return context
    }

    func machine(_ state: InitiativeState, _ context: InitiativeContext, rounds: [SurveyRound] = [], tallies: [Int: ResponseTally] = [:]) -> SurveyMachine {
        SurveyMachine(settings: context.definition.survey!, context: context, state: state, rounds: rounds, tallies: tallies)
    }

    func round(_ number: Int, _ status: SurveyRound.Status, trigger: SurveyRound.Trigger = .cadence, at: Date = start) -> SurveyRound {
        var round = SurveyRound(
            number: number, initiative: "pos", cycle: 1, trigger: trigger, status: status, requestedAt: at, opensAt: at,
            closesAt: status == .delayed ? nil : at + 86_400 * 14)
        if status == .closed { round.closedAt = at + 86_400 * 14 }
        return round
    }

    /// CSAT scores: `good` answers of 5, `bad` of 1.
    func tally(good: Int, bad: Int) -> ResponseTally {
        ResponseTally(scores: [5: good, 1: bad].filter { $0.value > 0 })
    }

    @Test func completingTheEvaluatingStepClosesItsRoundAndJudgesItAgainstTheFirstRoundWithAnswers() {
        let context = context(goal: Goal(metric: "CSAT", target: 90))
        let mine = round(3, .open, trigger: .step("resurvey", run: 4))
        var machine = machine(
            state(step: "resurvey", run: 4), context, rounds: [round(1, .closed), round(2, .closed), mine],
            tallies: [2: tally(good: 50, bad: 50), 3: tally(good: 80, bad: 20)])
        let now = Self.start + 3_600
        let effects = machine.handle(.stepCompleting(evaluate: true), at: now)
        let saved = effects.compactMap { if case .save(let round) = $0 { round } else { nil } }
        #expect(saved.map(\.number) == [3])
        #expect(saved.first?.status == .closed)
        #expect(saved.first?.metrics?.n == 100)
        let verdict = effects.compactMap { if case .record(let entry) = $0, entry.kind == "cycle.evaluated" { entry } else { nil } }
        #expect(verdict.count == 1)
        // Round 1 has no answers: round 2 is the baseline.
        #expect(verdict.first?.details["baseline"] == "round 2")
        #expect(verdict.first?.details["outcome"] == "improved")
        let kinds = effects.compactMap { if case .notify(let notice) = $0 { notice.kind } else { nil } }
        #expect(kinds == [.surveyClosed, .cycleEvaluated])
        #expect(machine.rounds.last?.status == .closed)
    }

    @Test func withoutABaselineRoundTheGoalsBaselineIsUsed() {
        let context = context(goal: Goal(metric: "CSAT", baseline: 50, target: 95))
        var machine = machine(
            state(step: "resurvey", run: 4), context, rounds: [round(1, .open, trigger: .step("resurvey", run: 4))],
            tallies: [1: tally(good: 80, bad: 20)])
        let verdict = machine.handle(.stepCompleting(evaluate: true), at: Self.start + 60)
            .compactMap { if case .record(let entry) = $0, entry.kind == "cycle.evaluated" { entry } else { nil } }
        #expect(verdict.first?.details["baseline"] == "goal 50.0")
    }

    @Test func aPersonsActionMeansSomethingForSurveysOnlyWhenItClosesTheOpenStep() {
        let context = context()
        let machine = machine(state(step: "resurvey", run: 4), context)
        #expect(machine.event(for: .complete(step: nil, by: "minh", note: nil)) == .stepCompleting(evaluate: true))
        #expect(machine.event(for: .complete(step: "resurvey", by: "minh", note: nil)) == .stepCompleting(evaluate: true))
        #expect(machine.event(for: .complete(step: "scope", by: "minh", note: nil)) == nil)
        #expect(machine.event(for: .reopen(step: "insight", by: "minh", note: nil)) == .stepReopening)
        #expect(machine.event(for: .acknowledge(by: "minh")) == nil)
        let design = self.machine(state(step: "design", run: 3), context)
        #expect(design.event(for: .complete(step: nil, by: "minh", note: nil)) == .stepCompleting(evaluate: false))
    }

    @Test func reachingTheQuotaClosesTheRound() {
        var machine = machine(state(step: "design", run: 3), context(quota: 10), rounds: [round(1, .open)], tallies: [1: tally(good: 5, bad: 4)])
        #expect(machine.handle(.answersArrived(round: 1, added: 9), at: Self.start).isEmpty)
        // Unanswered ones fill no quota.
        machine.add(ResponseTally(unanswered: 5), to: 1)
        #expect(machine.handle(.answersArrived(round: 1, added: 5), at: Self.start).isEmpty)
        machine.add(tally(good: 1, bad: 0), to: 1)
        let effects = machine.handle(.answersArrived(round: 1, added: 1), at: Self.start + 60)
        guard case .save(let closed)? = effects.first else {
            Issue.record("the round did not close")
            return
        }
        #expect(closed.closeReason == "quota")
        #expect(closed.metrics?.n == 10)
        #expect(closed.metrics?.unanswered == 5)
    }

    @Test func answersAddedToAClosedRoundAreRecordedAsLateAndChangeNothingElse() {
        var machine = machine(state(step: "design", run: 3), context(quota: 1), rounds: [round(1, .closed)], tallies: [1: tally(good: 3, bad: 0)])
        let effects = machine.handle(.answersArrived(round: 1, added: 3), at: Self.start)
        #expect(effects.count == 1)
        guard case .record(let entry)? = effects.first else {
            Issue.record("nothing recorded")
            return
        }
        #expect(entry.kind == "survey.late_answers")
        #expect(entry.details["added"] == "3")
        #expect(entry.details["n"] == "3")
    }

    @Test func whileACadenceStepMonitorsADropBelowTheThresholdClosesTheRoundAndRequestsTheNextEarly() {
        var machine = machine(state(step: "design", run: 3), context(dropBelow: 60), rounds: [round(1, .open)], tallies: [1: tally(good: 5, bad: 5)])
        let effects = machine.handle(.answersArrived(round: 1, added: 10), at: Self.start + 86_400 * 2)
        let saved = effects.compactMap { if case .save(let round) = $0 { round } else { nil } }
        #expect(saved.map(\.number) == [1, 2])
        #expect(saved.first?.closeReason == "metric below threshold")
        #expect(saved.last?.trigger == .threshold)
        #expect(effects.contains { if case .record(let entry) = $0 { entry.kind == "survey.threshold" } else { false } })
        // Above the threshold nothing happens.
        var fine = self.machine(state(step: "design", run: 3), context(dropBelow: 40), rounds: [round(1, .open)], tallies: [1: tally(good: 5, bad: 5)])
        #expect(fine.handle(.answersArrived(round: 1, added: 10), at: Self.start).isEmpty)
    }

    @Test func answersGoToTheNamedRoundElseTheOpenOneElseANewBaselineRoundAndNeverByAccidentToAClosedOne() throws {
        let context = context()
        let design = state(step: "design", run: 3)
        var empty = machine(design, context)
        let (baseline, created) = try empty.roundForAnswers(requested: nil, answered: (Self.start - 86_400)...(Self.start - 3_600), at: Self.start)
        #expect(baseline.number == 1 && baseline.trigger == .imported && baseline.status == .closed)
        #expect(baseline.opensAt == Self.start - 86_400)
        #expect(created.count == 2)

        var open = machine(design, context, rounds: [round(1, .closed), round(2, .open)])
        #expect(try open.roundForAnswers(requested: nil, answered: nil, at: Self.start).round.number == 2)
        #expect(try open.roundForAnswers(requested: 1, answered: nil, at: Self.start).round.number == 1)
        #expect(throws: SurveyMachine.RoundChoice.unknownRound("pos", 7, known: [1, 2])) {
            try open.roundForAnswers(requested: 7, answered: nil, at: Self.start)
        }

        // Rounds 1 and 2 ran from start to start + 14 days and from start + 20 to + 34 days.
        let second = round(2, .closed, at: Self.start + 86_400 * 20)
        var closed = machine(design, context, rounds: [round(1, .closed), second])
        let now = Self.start + 86_400 * 40
        // Answers given within round 1's window, arriving late: round 1.
        let late = (Self.start + 86_400)...(Self.start + 86_400 * 2)
        #expect(try closed.roundForAnswers(requested: nil, answered: late, at: now).round.number == 1)
        // Answers spanning no single round's window: refused, naming the latest round.
        #expect(throws: SurveyMachine.RoundChoice.noOpenRound("pos", latest: second)) {
            try closed.roundForAnswers(requested: nil, answered: (Self.start + 86_400)...(Self.start + 86_400 * 21), at: now)
        }
        #expect(throws: SurveyMachine.RoundChoice.noOpenRound("pos", latest: second)) {
            try closed.roundForAnswers(requested: nil, answered: nil, at: now)
        }

        // More baseline data goes to the baseline round, whose window widens to hold it.
        var more = machine(design, context, rounds: [baseline])
        let (again, widened) = try more.roundForAnswers(requested: nil, answered: (Self.start - 86_400 * 5)...(Self.start - 86_400 * 4), at: now)
        #expect(again.number == 1 && again.opensAt == Self.start - 86_400 * 5 && again.closesAt == baseline.closesAt)
        #expect(widened.count == 1)
        #expect(try more.roundForAnswers(requested: nil, answered: late, at: now).effects.isEmpty == false)
        #expect(try more.roundForAnswers(requested: nil, answered: late, at: now).effects.isEmpty)

        var delayed = machine(design, context, rounds: [round(1, .delayed)])
        let (opened, effects) = try delayed.roundForAnswers(requested: nil, answered: nil, at: Self.start)
        #expect(opened.status == .open && opened.openedAt == Self.start)
        #expect(effects.contains { if case .record(let entry) = $0 { entry.kind == "survey.opened_by_import" } else { false } })
        #expect(delayed.rounds.first?.status == .open)
    }

    @Test func aDetractorOnATouchpointIsFollowedUpByTheTouchpointsOwnerElseTheFollowUpRole() {
        let machine = machine(state(step: "design", run: 3), context())
        let answers = [
            SurveyMachine.Answer(id: 1, response: SurveyResponse(respondent: "a", score: 1, touchpoint: "till"), comment: "slow"),
            SurveyMachine.Answer(id: 2, response: SurveyResponse(respondent: "b", score: 5, touchpoint: "till"), comment: nil),
            SurveyMachine.Answer(id: 3, response: SurveyResponse(respondent: "c", score: 1), comment: nil),
            SurveyMachine.Answer(id: 4, response: SurveyResponse(respondent: "d", score: 5, touchpoint: "web", emotion: .negative), comment: nil),
            SurveyMachine.Answer(id: 5, response: SurveyResponse(respondent: "e", score: nil, touchpoint: "till"), comment: nil),
        ]
        let due = Self.start + 86_400
        let opened = answers.compactMap { machine.followUp(for: $0, round: 1, dueAt: { _ in due }, at: Self.start) }
        // 1 (a detractor score on a touchpoint with an owner); 4 (a negative emotion) on a
        // touchpoint without an owner goes to the role `survey.followup.owner` names; 3 has no
        // touchpoint, 5 no score and no emotion.
        #expect(opened.map(\.followUp.id) == [1, 4])
        #expect(opened.map(\.followUp.run.owner) == ["hung", "lan"])
        #expect(opened.map(\.followUp.run.dueAt) == [due, due])
        #expect(opened.map(\.entry.kind) == ["followup.opened", "followup.opened"])
        #expect(opened.first?.followUp.answer.comment == "slow")
    }

    /// Random sequences of events at increasing times: the rules' invariants hold whatever
    /// happens.
    @Test func customersAreNeverAskedTwiceAtOnceAndEveryEffectIsWhatTheMachineNowHolds() async {
        let events = Gen.int(in: 0...5).array(of: 1...25)
        await propertyCheck(count: 200, input: events) { codes in
            let context = context(quota: 40, dropBelow: 50)
            var states = [state(step: "insight", run: 2), state(step: "design", run: 3), state(step: "resurvey", run: 4)]
            var now = Self.start
            var rounds: [SurveyRound] = []
            var tallies: [Int: ResponseTally] = [:]
            var respondent = 0
            for code in codes {
                var machine = machine(states[0], context, rounds: rounds, tallies: tallies)
                var effects: [SurveyMachine.Effect] = []
                switch code {
                case 0, 1:
                    now += Double(code + 1) * 86_400 * 3
                    effects = machine.handle(.advance, at: now)
                case 2:
                    effects = machine.handle(.stepCompleting(evaluate: states[0].openRun?.stepID == "resurvey"), at: now)
                    states = Array(states.dropFirst()) + [states[0]]
                case 3:
                    effects = machine.handle(.stepReopening, at: now)
                    states = [states[2], states[0], states[1]]
                default:
                    guard let (round, chosen) = try? machine.roundForAnswers(requested: nil, answered: nil, at: now) else {
                        #expect(rounds.contains { $0.status != .closed } == false)
                        continue
                    }
                    effects = chosen
                    respondent += 1
                    let added = code == 4 ? tally(good: 0, bad: 25) : tally(good: 25, bad: 0)
                    machine.add(added, to: round.number)
                    effects += machine.handle(.answersArrived(round: round.number, added: added.total), at: now)
                }
                var replayed = rounds
                for case .save(let round) in effects {
                    if let index = replayed.firstIndex(where: { $0.number == round.number }) { replayed[index] = round } else { replayed.append(round) }
                }
                #expect(replayed.sorted { $0.number < $1.number } == machine.rounds)
                rounds = machine.rounds
                tallies = machine.tallies
                #expect(rounds.count { $0.status != .closed } <= 1)
                for round in rounds where round.status == .closed && round.openedAt != nil && round.trigger != .imported {
                    #expect(round.metrics != nil)
                }
                #expect(Set(rounds.map(\.number)).count == rounds.count)
            }
        }
    }
}
