import CXConfig
import CXCore
import CXStore
import Foundation

/// Runs the survey loop of one initiative inside a store transaction: applies the planner's
/// decisions (rounds requested, delayed, opened, closed), advances follow-ups, evaluates a
/// re-survey when its step completes, and returns the notices to send. Every change is also
/// an audit entry.
struct SurveyCoordinator {
    let configuration: Configuration
    let tx: StoreTransaction
    let now: Date

    struct Outcome {
        var notices: [Notice] = []
        var nextWake: Date?
    }

    /// Whatever is due for `state`'s surveys and follow-ups at `now`.
    func advance(_ state: InitiativeState, context: InitiativeContext) throws -> Outcome {
        var outcome = Outcome()
        if let settings = context.definition.survey, state.phase != .archived {
            let rounds = try tx.rounds(of: state.id)
            let planner = SurveyPlanner(settings: settings, context: context, state: state, rounds: rounds)
            for decision in planner.decisions(at: now) {
                switch decision {
                case .request(let round), .open(let round):
                    try tx.save(round)
                    outcome.notices += try announce(round, settings: settings, state: state, context: context)
                case .close(let round, let reason):
                    outcome.notices += try close(round, reason: reason, settings: settings, state: state, context: context)
                }
            }
            let after = SurveyPlanner(settings: settings, context: context, state: state, rounds: try tx.rounds(of: state.id))
            outcome.nextWake = after.nextWake()
        }
        for var followUp in try tx.followUps(of: state.id, openOnly: true) {
            let effects = followUp.advance(at: now, context: context)
            if !effects.isEmpty {
                try tx.save(followUp)
                for case .record(let entry) in effects { try tx.record(entry, initiative: state.id) }
                outcome.notices += effects.notices
            }
            if let wake = followUp.nextWake(context: context) {
                outcome.nextWake = min(outcome.nextWake ?? wake, wake)
            }
        }
        return outcome
    }

    /// Records a requested, delayed or opened round; an open one is announced.
    func announce(_ round: SurveyRound, settings: SurveySettings, state: InitiativeState, context: InitiativeContext) throws -> [Notice] {
        var details = ["round": String(round.number), "trigger": round.trigger.description]
        if round.status == .delayed {
            details["opens"] = Timestamp.iso(round.opensAt)
            details["reason"] = "survey fatigue guard: min_gap \(settings.minimumGap)"
            try tx.record(
                AuditEntry(kind: "survey.delayed", at: now, step: state.openRun?.stepID, cycle: round.cycle, details: details),
                initiative: state.id)
            return []
        }
        details["closes"] = round.closesAt.map(Timestamp.iso) ?? "-"
        try tx.record(
            AuditEntry(kind: "survey.requested", at: now, step: state.openRun?.stepID, cycle: round.cycle, details: details),
            initiative: state.id)
        var exclude: [String] = []
        if let cap = settings.respondentCap {
            let zone = context.surveyZone(state)
            let since = context.calendar.moving(now, by: settings.respondentWindow, sign: -1, in: zone)
            exclude = try tx.frequentRespondents(of: state.id, since: since, rounds: cap)
        }
        let info = SurveyNotice(
            round: round.number, trigger: round.trigger.description,
            touchpoints: settings.touchpoints.isEmpty ? context.definition.touchpoints.map(\.id) : settings.touchpoints,
            questions: settings.questions, opensAt: round.opensAt, closesAt: round.closesAt, quota: settings.quota,
            minimumSample: settings.minimumSample, excludeRespondents: exclude)
        return notice(.surveyRequested, key: "\(state.id)/survey-\(round.number)/requested", state: state, context: context,
                      dueAt: round.closesAt ?? now, info: info)
    }

    /// Closes a round: computes its metric, records it, announces it.
    func close(
        _ round: SurveyRound, reason: String, settings: SurveySettings, state: InitiativeState, context: InitiativeContext
    ) throws -> [Notice] {
        var closed = round
        closed.status = .closed
        closed.closedAt = now
        if round.status == .delayed {
            // Held back by the fatigue guard and overtaken: it never opened. Recorded, not dropped.
            closed.closeReason = "blocked: \(reason) before min_gap allowed the round to open"
            try tx.save(closed)
            try tx.record(
                AuditEntry(
                    kind: "survey.blocked", at: now, step: state.openRun?.stepID, cycle: round.cycle,
                    details: ["round": String(round.number), "reason": closed.closeReason ?? ""]),
                initiative: state.id)
            return []
        }
        closed.closeReason = reason
        let responses = try tx.responses(round: round.number, of: state.id).map(\.response)
        let metrics = SurveyMetrics.measure(responses, on: settings.scale)
        closed.metrics = metrics
        try tx.save(closed)
        try tx.record(
            AuditEntry(
                kind: "survey.closed", at: now, step: state.openRun?.stepID, cycle: round.cycle,
                details: [
                    "round": String(round.number), "reason": reason, "n": String(metrics.n),
                    "value": metrics.value.map { String(format: "%.1f", $0) } ?? "none",
                ]),
            initiative: state.id)
        let info = SurveyNotice(
            round: round.number, trigger: round.trigger.description, touchpoints: settings.touchpoints, questions: [],
            opensAt: round.opensAt, closesAt: now, quota: settings.quota, minimumSample: settings.minimumSample,
            metrics: metrics)
        return notice(.surveyClosed, key: "\(state.id)/survey-\(round.number)/closed", state: state, context: context,
                      dueAt: now, info: info)
    }

    /// Step 8: closes the run's round, compares it with the baseline (the first round with
    /// answers, else the goal's baseline) and the target, records the verdict and announces it.
    func evaluate(_ state: InitiativeState, context: InitiativeContext) throws -> [Notice] {
        guard let settings = context.definition.survey, let run = state.openRun else { return [] }
        var notices: [Notice] = []
        var rounds = try tx.rounds(of: state.id)
        let mine = rounds.last { $0.trigger == .step(run.stepID, run: run.number) } ?? rounds.last { $0.status != .closed }
        if let mine, mine.status != .closed {
            notices += try close(mine, reason: "step completed", settings: settings, state: state, context: context)
            rounds = try tx.rounds(of: state.id)
        }
        let current = try mine.map { try tx.responses(round: $0.number, of: state.id).map(\.response) } ?? []
        var baseline = EvaluationBaseline.round([])
        var baselineRound: Int?
        for round in rounds where round.number != mine?.number {
            let answers = try tx.responses(round: round.number, of: state.id).map(\.response)
            if !answers.isEmpty {
                baseline = .round(answers)
                baselineRound = round.number
                break
            }
        }
        if baselineRound == nil, let fixed = context.definition.goal?.baseline { baseline = .fixed(fixed) }
        let target = context.definition.goal?.target ?? .infinity
        let evaluation = Evaluation.evaluate(
            resurvey: current, baseline: baseline, scale: settings.scale, target: target,
            minimumSampleSize: settings.minimumSample)
        try tx.record(
            AuditEntry(
                kind: "cycle.evaluated", at: now, step: run.stepID, cycle: state.cycle, run: run.number,
                details: [
                    "outcome": evaluation.outcome.rawValue, "round": mine.map { String($0.number) } ?? "none",
                    "baseline": baselineRound.map { "round \($0)" } ?? (context.definition.goal?.baseline.map { "goal \($0)" } ?? "none"),
                    "summary": evaluation.summary,
                ]),
            initiative: state.id)
        let info = SurveyNotice(
            round: mine?.number ?? 0, trigger: mine?.trigger.description ?? "none", touchpoints: settings.touchpoints,
            questions: [], opensAt: mine?.opensAt ?? now, closesAt: now, quota: nil, minimumSample: settings.minimumSample,
            metrics: evaluation.current, evaluation: evaluation)
        notices += notice(.cycleEvaluated, key: "\(state.id)/run-\(run.number)/evaluated", state: state, context: context,
                          dueAt: now, info: info)
        return notices
    }

    /// Closes the round a run opened (or records it blocked, if the fatigue guard still held it)
    /// when its step completes or is reopened.
    func finishRound(of run: StepRun, state: InitiativeState, context: InitiativeContext) throws -> [Notice] {
        guard let settings = context.definition.survey,
              let mine = try tx.rounds(of: state.id).last(where: { $0.trigger == .step(run.stepID, run: run.number) }),
              mine.status != .closed
        else { return [] }
        return try close(mine, reason: "step completed", settings: settings, state: state, context: context)
    }

    /// One notice to the open step's owner (or the first bound person), routed by kind.
    private func notice(
        _ kind: Notice.Kind, key: String, state: InitiativeState, context: InitiativeContext, dueAt: Date, info: SurveyNotice
    ) -> [Notice] {
        let owner = state.openRun?.owner ?? context.workflow.steps.compactMap { context.definition.roles[$0.owner] }.first
        guard let owner else { return [] }
        return [Notice(
            key: key, kind: kind, initiative: state.id, step: state.openRun?.stepID ?? "-", cycle: state.cycle,
            run: state.openRun?.number ?? 0, recipient: owner, owner: owner, level: nil, sequence: 1, dueAt: dueAt,
            scheduledAt: now, survey: info)]
    }
}
