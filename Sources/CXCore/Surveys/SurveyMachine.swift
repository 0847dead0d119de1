import Foundation

/// The survey rules of one initiative, decided in one place and without I/O: which rounds
/// open, close and are judged when time passes, when the open step completes or is reopened,
/// and when answers arrive; which round answers go to; who follows up a detractor.
///
/// The adapter loads the rounds and their tallies, calls `handle`, and stores the effects in
/// the same transaction as the initiative's own. `SurveyPlanner` decides the timed part
/// (windows, cadence, the fatigue guard); this machine adds everything that happens to a round.
public struct SurveyMachine: Sendable {
    public enum Event: Sendable, Equatable {
        /// Time passed: delayed rounds open, windows close, cadence rounds are requested.
        case advance
        /// The open step is about to complete. `evaluate`: it judges the re-survey (step 8
        /// with its requirements met); otherwise it only ends the step's round.
        case stepCompleting(evaluate: Bool)
        /// An earlier step is about to be reopened: the open step's round ends.
        case stepReopening
        /// Answers were stored in round `round` (its tally already includes them).
        case answersArrived(round: Int, added: Int)
    }

    public enum Effect: Sendable, Equatable {
        /// Insert or update the round.
        case save(SurveyRound)
        case record(AuditEntry)
        case notify(Notice)
        /// Announce a round: the adapter first fills `excludeRespondents` of the notice with
        /// the respondents who answered at least `cap.rounds` rounds since `cap.since`.
        case announce(Notice, cap: RespondentCap?)
    }

    /// Who to leave out of a round (`respondent_cap`): those who answered at least `rounds`
    /// rounds since `since`.
    public struct RespondentCap: Sendable, Equatable {
        public var since: Date
        public var rounds: Int
    }

    /// An answer that may call for a follow-up.
    public struct Answer: Sendable, Equatable {
        public var id: Int64
        public var response: SurveyResponse
        public var comment: String?

        public init(id: Int64, response: SurveyResponse, comment: String?) {
            self.id = id
            self.response = response
            self.comment = comment
        }
    }

    public enum RoundChoice: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownRound(InitiativeID, Int, known: [Int])
        /// Rounds exist, none is open, and no round was named.
        case noOpenRound(InitiativeID, latest: SurveyRound)

        public var description: String {
            switch self {
            case .unknownRound(let id, let number, let known):
                let rounds = known.isEmpty ? "it has no rounds yet" : "its rounds are " + known.map(String.init).joined(separator: ", ")
                return "initiative '\(id)' has no survey round \(number) (\(rounds))"
            case .noOpenRound(let id, let latest):
                return "initiative '\(id)' has no open survey round, and the answers' dates do not all fall within the"
                    + " window of a closed one (the latest, round \(latest.number), closed"
                    + (latest.closedAt.map { " at " + Timestamp.iso($0) } ?? "")
                    + "); give --round N to add them to a closed round late, or import them when the next round opens"
            }
        }
    }

    public let settings: SurveySettings
    public let context: InitiativeContext
    public let state: InitiativeState
    /// Every round, in number order, as the effects so far leave them.
    public private(set) var rounds: [SurveyRound]
    /// Every round's answers, by round number.
    public private(set) var tallies: [Int: ResponseTally]

    public init(
        settings: SurveySettings, context: InitiativeContext, state: InitiativeState, rounds: [SurveyRound],
        tallies: [Int: ResponseTally]
    ) {
        self.settings = settings
        self.context = context
        self.state = state
        self.rounds = rounds.sorted { $0.number < $1.number }
        self.tallies = tallies
    }

    private var planner: SurveyPlanner {
        SurveyPlanner(settings: settings, context: context, state: state, rounds: rounds)
    }

    private func tally(of round: Int) -> ResponseTally { tallies[round] ?? ResponseTally() }

    /// The round's metric from its answers as they stand.
    public func metric(of round: Int) -> MetricResult {
        SurveyMetrics.measure(tally(of: round), on: settings.scale)
    }

    /// The next instant `handle(.advance)` would do something.
    public func nextWake() -> Date? { planner.nextWake() }

    // MARK: - Events

    /// What a person's action on the initiative means for its surveys: completing the open
    /// step ends its round, and step 8 (with its requirements met) judges the re-survey;
    /// reopening an earlier step ends the open step's round. Nil: nothing.
    public func event(for action: InitiativeEvent) -> Event? {
        guard let run = state.openRun, let step = context.workflow.step(run.stepID) else { return nil }
        switch action {
        case .complete(let requested, _, _) where requested == nil || requested == step.id:
            return .stepCompleting(evaluate: step.evaluates && context.definition.document.missing(step.requires).isEmpty)
        case .reopen:
            return .stepReopening
        default:
            return nil
        }
    }


    public mutating func handle(_ event: Event, at now: Date) -> [Effect] {
        switch event {
        case .advance:
            return advance(at: now)
        case .stepCompleting(let evaluate):
            return evaluate ? self.evaluate(at: now) : finishRound(at: now)
        case .stepReopening:
            return finishRound(at: now)
        case .answersArrived(let number, let added):
            return answersArrived(in: number, added: added, at: now)
        }
    }

    private mutating func advance(at now: Date) -> [Effect] {
        guard state.phase != .archived else { return [] }
        var effects: [Effect] = []
        for decision in planner.decisions(at: now) {
            switch decision {
            case .request(let round), .open(let round):
                store(round)
                effects.append(.save(round))
                effects += announce(round, at: now)
            case .close(let round, let reason):
                effects += close(round, reason: reason, at: now)
            }
        }
        return effects
    }

    /// The round the open run opened (else the last one not closed).
    private var runRound: SurveyRound? {
        guard let run = state.openRun else { return nil }
        return rounds.last { $0.trigger == .step(run.stepID, run: run.number) } ?? rounds.last { $0.status != .closed }
    }

    /// Ends the round the open run opened (recorded as blocked if the fatigue guard still
    /// held it) when its step completes or is reopened.
    private mutating func finishRound(at now: Date) -> [Effect] {
        guard let run = state.openRun,
              let mine = rounds.last(where: { $0.trigger == .step(run.stepID, run: run.number) }), mine.status != .closed
        else { return [] }
        return close(mine, reason: "step completed", at: now)
    }

    /// Step 8: closes the run's round, compares it with the baseline (the first other round
    /// with answers, else the goal's baseline) and the target, records the verdict and
    /// announces it.
    private mutating func evaluate(at now: Date) -> [Effect] {
        guard let run = state.openRun else { return [] }
        var effects: [Effect] = []
        let mine = runRound
        if let mine, mine.status != .closed { effects += close(mine, reason: "step completed", at: now) }
        let current = mine.map { tally(of: $0.number) } ?? ResponseTally()
        var baseline = EvaluationBaseline.round(ResponseTally())
        var baselineRound: Int?
        for round in rounds where round.number != mine?.number && tally(of: round.number).total > 0 {
            baseline = .round(tally(of: round.number))
            baselineRound = round.number
            break
        }
        let goal = context.definition.goal
        if baselineRound == nil, let fixed = goal?.baseline { baseline = .fixed(fixed) }
        let evaluation = Evaluation.evaluate(
            resurvey: current, baseline: baseline, scale: settings.scale, target: goal?.target ?? .infinity,
            minimumSampleSize: settings.minimumSample)
        effects.append(.record(AuditEntry(
            kind: "cycle.evaluated", at: now, step: run.stepID, cycle: state.cycle, run: run.number,
            details: [
                "outcome": evaluation.outcome.rawValue, "round": mine.map { String($0.number) } ?? "none",
                "baseline": baselineRound.map { "round \($0)" } ?? (goal?.baseline.map { "goal \($0)" } ?? "none"),
                "summary": evaluation.summary,
            ])))
        let info = SurveyNotice(
            round: mine?.number ?? 0, trigger: mine?.trigger.description ?? "none", touchpoints: settings.touchpoints,
            questions: [], opensAt: mine?.opensAt ?? now, closesAt: now, quota: settings.quota,
            minimumSample: settings.minimumSample, metrics: evaluation.current, evaluation: evaluation)
        effects += notice(.cycleEvaluated, key: "\(state.id)/run-\(run.number)/evaluated", dueAt: now, info: info, at: now)
            .map(Effect.notify)
        return effects
    }

    /// After answers arrived in `number`: a quota of scored answers reached closes the round; while a cadence
    /// step monitors, an open round whose metric falls below `drop_below` closes and the next
    /// round is requested early. Answers added to a closed round are recorded as late.
    private mutating func answersArrived(in number: Int, added: Int, at now: Date) -> [Effect] {
        guard let round = rounds.first(where: { $0.number == number }), added > 0 else { return [] }
        if round.status == .closed {
            return [.record(AuditEntry(
                kind: "survey.late_answers", at: now, step: state.openRun?.stepID, cycle: round.cycle,
                details: ["round": String(number), "added": String(added), "n": String(metric(of: number).n)]))]
        }
        guard round.status == .open else { return [] }
        // The quota counts answers with a score: "seen, not answered" fills no sample.
        let answers = tally(of: number)
        if let quota = settings.quota, answers.total - answers.unanswered >= quota {
            return close(round, reason: "quota", at: now)
        }
        let monitoring = state.openRun.flatMap { context.workflow.step($0.stepID)?.survey } == .cadence
        guard let threshold = settings.dropBelow, monitoring else { return [] }
        let measured = metric(of: number)
        guard let value = measured.value, measured.n >= settings.minimumSample, value < threshold else { return [] }
        var effects = close(round, reason: "metric below threshold", at: now)
        if let early = planner.earlyRound(at: now) {
            store(early)
            effects.append(.save(early))
            effects.append(.record(AuditEntry(
                kind: "survey.threshold", at: now, cycle: state.cycle,
                details: ["round": String(number), "value": String(format: "%.1f", value), "threshold": String(threshold),
                          "next": String(early.number), "status": early.status.rawValue])))
            effects += announce(early, at: now)
        }
        return effects
    }

    // MARK: - Where answers go

    /// The round an import goes to, in this order:
    /// 1. the round named (`--round N`); a closed one takes the answers as late ones;
    /// 2. the open round (or the one the fatigue guard holds back, which then opens: answers
    ///    for it arrived, so it took place after all);
    /// 3. no round yet: a new closed round holding the imported answers (baseline data);
    /// 4. the latest round is such a baseline round: it again, widened to the answers' dates,
    ///    so that baseline data can arrive in several files;
    /// 5. the latest closed round whose window (opened to closed) holds every answer: late
    ///    answers to that round.
    /// Otherwise the import is refused and names the latest round: answers never land in a
    /// closed round by accident.
    public mutating func roundForAnswers(
        requested: Int?, answered: ClosedRange<Date>?, at now: Date
    ) throws(RoundChoice) -> (round: SurveyRound, effects: [Effect]) {
        var effects: [Effect] = []
        var round: SurveyRound
        let span = answered ?? now...now
        if let requested {
            guard let chosen = rounds.first(where: { $0.number == requested }) else {
                throw .unknownRound(state.id, requested, known: rounds.map(\.number))
            }
            round = chosen
        } else if let open = rounds.last(where: { $0.status == .open }) ?? rounds.last(where: { $0.status == .delayed }) {
            round = open
        } else if let latest = rounds.last {
            if latest.trigger == .imported {
                round = latest
                if span.lowerBound < round.opensAt || span.upperBound > (round.closesAt ?? span.upperBound) {
                    round.opensAt = min(round.opensAt, span.lowerBound)
                    round.openedAt = round.opensAt
                    round.closesAt = max(round.closesAt ?? span.upperBound, span.upperBound)
                    store(round)
                    effects.append(.save(round))
                }
            } else if let holding = rounds.last(where: { candidate in
                guard let opened = candidate.openedAt, let closed = candidate.closedAt else { return false }
                return opened <= span.lowerBound && span.upperBound <= closed
            }) {
                round = holding
            } else {
                throw .noOpenRound(state.id, latest: latest)
            }
        } else {
            round = SurveyRound(
                number: 1, initiative: state.id, cycle: state.cycle, trigger: .imported, status: .closed, requestedAt: now,
                opensAt: min(span.lowerBound, now), closesAt: max(span.upperBound, now))
            round.closedAt = now
            round.closeReason = "imported"
            store(round)
            effects.append(.save(round))
            effects.append(.record(AuditEntry(kind: "survey.imported_round", at: now, cycle: state.cycle, details: ["round": "1"])))
        }
        if round.status == .delayed {
            round.status = .open
            round.openedAt = now
            round.closesAt = context.calendar.moving(now, by: settings.window, in: context.surveyZone(state))
            store(round)
            effects.append(.save(round))
            effects.append(.record(AuditEntry(
                kind: "survey.opened_by_import", at: now, cycle: round.cycle, details: ["round": String(round.number)])))
        }
        return (round, effects)
    }

    /// Records that answers were stored in `number`, so that later decisions see them.
    public mutating func add(_ tally: ResponseTally, to number: Int) {
        tallies[number] = self.tally(of: number) + tally
    }

    // MARK: - Follow-ups

    /// Whether an answer calls for a follow-up: a detractor (`SurveyScale.isDetractor`) on a
    /// touchpoint.
    public func needsFollowUp(_ response: SurveyResponse) -> Bool {
        response.touchpoint != nil && settings.scale.isDetractor(response)
    }

    /// Who follows up an answer on `touchpoint`: the touchpoint's owner, else the person
    /// bound to `survey.followup.owner`, else the owner of the open step.
    public func followUpOwner(for touchpoint: String?) -> PersonID? {
        if let owner = context.definition.touchpoints.first(where: { $0.id == touchpoint })?.owner { return owner }
        if let role = settings.followUpOwnerRole, let person = context.definition.roles[role] { return person }
        return state.openRun?.owner
    }

    /// The follow-up an answer stored as `answer.id` in `round` calls for, with its audit
    /// entry; nil when it calls for none or nobody owns it. `dueAt` gives an owner's deadline
    /// (`FollowUp.dueAt`; an import computes it once per owner).
    public func followUp(
        for answer: Answer, round: Int, dueAt: (PersonID) -> Date, at now: Date
    ) -> (followUp: FollowUp, entry: AuditEntry)? {
        guard needsFollowUp(answer.response), let owner = followUpOwner(for: answer.response.touchpoint) else { return nil }
        let notice = FollowUpNotice(
            id: answer.id, touchpoint: answer.response.touchpoint, respondent: answer.response.respondent,
            score: answer.response.score, comment: answer.comment, emotion: answer.response.emotion)
        let followUp = FollowUp.open(
            id: answer.id, initiative: state.id, round: round, cycle: state.cycle, answer: notice, owner: owner,
            dueAt: dueAt(owner), at: now)
        let entry = AuditEntry(
            kind: "followup.opened", at: now, step: followUp.run.stepID, cycle: state.cycle,
            details: ["id": String(answer.id), "owner": owner, "respondent": answer.response.respondent])
        return (followUp, entry)
    }

    // MARK: - Rounds

    private mutating func store(_ round: SurveyRound) {
        if let index = rounds.firstIndex(where: { $0.number == round.number }) {
            rounds[index] = round
        } else {
            rounds.append(round)
            rounds.sort { $0.number < $1.number }
        }
    }

    /// A requested, delayed or opened round: a delayed one is recorded, an open one announced.
    private func announce(_ round: SurveyRound, at now: Date) -> [Effect] {
        var details = ["round": String(round.number), "trigger": round.trigger.description]
        if round.status == .delayed {
            details["opens"] = Timestamp.iso(round.opensAt)
            details["reason"] = "survey fatigue guard: min_gap \(settings.minimumGap)"
            return [.record(AuditEntry(
                kind: "survey.delayed", at: now, step: state.openRun?.stepID, cycle: round.cycle, details: details))]
        }
        details["closes"] = round.closesAt.map(Timestamp.iso) ?? "-"
        var effects: [Effect] = [.record(AuditEntry(
            kind: "survey.requested", at: now, step: state.openRun?.stepID, cycle: round.cycle, details: details))]
        let cap = settings.respondentCap.map { rounds in
            RespondentCap(
                since: context.calendar.moving(now, by: settings.respondentWindow, sign: -1, in: context.surveyZone(state)),
                rounds: rounds)
        }
        let info = SurveyNotice(
            round: round.number, trigger: round.trigger.description,
            touchpoints: settings.touchpoints.isEmpty ? context.definition.touchpoints.map(\.id) : settings.touchpoints,
            questions: settings.questions, opensAt: round.opensAt, closesAt: round.closesAt, quota: settings.quota,
            minimumSample: settings.minimumSample)
        effects += notice(.surveyRequested, key: "\(state.id)/survey-\(round.number)/requested", dueAt: round.closesAt ?? now,
                          info: info, at: now).map { .announce($0, cap: cap) }
        return effects
    }

    /// Closes a round with its metric from the answers as they stand, and announces it. A
    /// round still held back by the fatigue guard never opened: it is recorded as blocked.
    private mutating func close(_ round: SurveyRound, reason: String, at now: Date) -> [Effect] {
        var closed = round
        closed.status = .closed
        closed.closedAt = now
        if round.status == .delayed {
            closed.closeReason = "blocked: \(reason) before min_gap allowed the round to open"
            store(closed)
            return [
                .save(closed),
                .record(AuditEntry(
                    kind: "survey.blocked", at: now, step: state.openRun?.stepID, cycle: round.cycle,
                    details: ["round": String(round.number), "reason": closed.closeReason ?? ""])),
            ]
        }
        closed.closeReason = reason
        let metrics = metric(of: round.number)
        closed.metrics = metrics
        store(closed)
        var effects: [Effect] = [
            .save(closed),
            .record(AuditEntry(
                kind: "survey.closed", at: now, step: state.openRun?.stepID, cycle: round.cycle,
                details: [
                    "round": String(round.number), "reason": reason, "n": String(metrics.n),
                    "value": metrics.value.map { String(format: "%.1f", $0) } ?? "none",
                ])),
        ]
        let info = SurveyNotice(
            round: round.number, trigger: round.trigger.description, touchpoints: settings.touchpoints, questions: [],
            opensAt: round.opensAt, closesAt: now, quota: settings.quota, minimumSample: settings.minimumSample,
            metrics: metrics)
        effects += notice(.surveyClosed, key: "\(state.id)/survey-\(round.number)/closed", dueAt: now, info: info, at: now)
            .map(Effect.notify)
        return effects
    }

    /// One notice to the open step's owner (or the first bound person).
    private func notice(_ kind: Notice.Kind, key: String, dueAt: Date, info: SurveyNotice, at now: Date) -> [Notice] {
        let owner = state.openRun?.owner ?? context.workflow.steps.compactMap { context.definition.roles[$0.owner] }.first
        guard let owner else { return [] }
        return [Notice(
            key: key, kind: kind, initiative: state.id, step: state.openRun?.stepID ?? "-", cycle: state.cycle,
            run: state.openRun?.number ?? 0, recipient: owner, owner: owner, level: nil, sequence: 1, dueAt: dueAt,
            scheduledAt: now, survey: info)]
    }
}
