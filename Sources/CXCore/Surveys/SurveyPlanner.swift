import Foundation

/// Decides, purely, when survey rounds open and close: a round opens when a `survey: open` step
/// starts, on the cadence while a `survey: cadence` step runs, and early after a drop below the
/// threshold; it closes when its window ends (quota and step completion are handled where the
/// responses arrive). The fatigue guard delays a round that would open sooner than `min_gap`
/// after the previous one; the delay is recorded, never a silent drop.
public struct SurveyPlanner: Sendable {
    public enum Decision: Sendable, Equatable {
        /// A new round, open now or delayed (see its status).
        case request(SurveyRound)
        /// A delayed round whose time came.
        case open(SurveyRound)
        case close(SurveyRound, reason: String)
    }

    let settings: SurveySettings
    let context: InitiativeContext
    let state: InitiativeState
    /// Every round of the initiative, in number order.
    let rounds: [SurveyRound]

    public init(settings: SurveySettings, context: InitiativeContext, state: InitiativeState, rounds: [SurveyRound]) {
        self.settings = settings
        self.context = context
        self.state = state
        self.rounds = rounds.sorted { $0.number < $1.number }
    }

    private var zone: TimeZone { context.surveyZone(state) }

    private func adding(_ duration: WorkDuration, to instant: Date) -> Date {
        context.calendar.moving(instant, by: duration, in: zone)
    }

    /// When the last round that actually opened did so (a blocked round never did).
    private var lastOpened: Date? {
        rounds.compactMap(\.openedAt).max()
    }

    /// What should happen at `now`, in order.
    public func decisions(at now: Date) -> [Decision] {
        var decisions: [Decision] = []
        var nextNumber = (rounds.map(\.number).max() ?? 0) + 1
        for round in rounds where round.status == .open {
            if let closes = round.closesAt, closes <= now { decisions.append(.close(round, reason: "window")) }
        }
        for round in rounds where round.status == .delayed && round.opensAt <= now {
            // After downtime the round opens now, with its whole window ahead of it.
            var opened = round
            opened.status = .open
            opened.openedAt = now
            opened.closesAt = adding(settings.window, to: now)
            decisions.append(.open(opened))
        }
        guard state.phase == .active, let run = state.openRun, let step = context.workflow.step(run.stepID) else {
            return decisions
        }
        let pending = rounds.contains { $0.status == .delayed }
        switch step.survey {
        case .open:
            let trigger = SurveyRound.Trigger.step(step.id, run: run.number)
            if !rounds.contains(where: { $0.trigger == trigger }) {
                // The step's own round replaces a round still open or waiting, so that customers
                // are never asked twice at once.
                for round in rounds where round.status != .closed && !decisions.contains(.close(round, reason: "window")) {
                    decisions.append(.close(round, reason: "superseded by the round of step \(step.id)"))
                }
                decisions.append(.request(request(trigger, number: nextNumber, at: now)))
                nextNumber += 1
            }
        case .cadence:
            let due = lastOpened.map { adding(settings.cadence, to: $0) } ?? run.startedAt
            if !pending, due <= now {
                decisions.append(.request(request(.cadence, number: nextNumber, at: now)))
            }
        case nil:
            break
        }
        return decisions
    }

    /// An early round after the metric fell below the threshold, when a cadence step runs and
    /// no round is open or waiting.
    public func earlyRound(at now: Date) -> SurveyRound? {
        guard state.phase == .active, let run = state.openRun, context.workflow.step(run.stepID)?.survey == .cadence,
              !rounds.contains(where: { $0.status != .closed })
        else { return nil }
        return request(.threshold, number: (rounds.map(\.number).max() ?? 0) + 1, at: now)
    }

    /// A round requested at `now`: open at once, or delayed by the fatigue guard.
    func request(_ trigger: SurveyRound.Trigger, number: Int, at now: Date) -> SurveyRound {
        let earliest = lastOpened.map { adding(settings.minimumGap, to: $0) } ?? now
        let opensAt = max(now, earliest)
        let delayed = opensAt > now
        return SurveyRound(
            number: number, initiative: state.id, cycle: state.cycle, trigger: trigger,
            status: delayed ? .delayed : .open, requestedAt: now, opensAt: opensAt,
            closesAt: delayed ? nil : adding(settings.window, to: opensAt))
    }

    /// The next instant `decisions(at:)` would return something new.
    public func nextWake() -> Date? {
        var instants: [Date] = []
        for round in rounds {
            switch round.status {
            case .open: if let closes = round.closesAt { instants.append(closes) }
            case .delayed: instants.append(round.opensAt)
            case .closed: continue
            }
        }
        if state.phase == .active, let run = state.openRun, context.workflow.step(run.stepID)?.survey == .cadence,
           !rounds.contains(where: { $0.status == .delayed }) {
            instants.append(lastOpened.map { adding(settings.cadence, to: $0) } ?? run.startedAt)
        }
        return instants.min()
    }
}
