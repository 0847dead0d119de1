import Foundation

/// One survey round of an initiative: requested when a step starts (or on the cadence, or early
/// after a drop, or for imported baseline data), open for its window, closed with its metric.
public struct SurveyRound: Codable, Sendable, Equatable {
    public enum Trigger: Codable, Sendable, Equatable, CustomStringConvertible {
        /// Opened because a step with `survey: open` started (its run number).
        case step(StepID, run: Int)
        /// On the cadence while a `survey: cadence` step runs.
        case cadence
        /// Early, because the metric fell below `survey.drop_below`.
        case threshold
        /// Created by an import with no round to go to (e.g. baseline data).
        case imported

        public var description: String {
            switch self {
            case .step(let step, let run): return "step \(step) (run \(run))"
            case .cadence: return "cadence"
            case .threshold: return "metric below threshold"
            case .imported: return "import"
            }
        }
    }

    public enum Status: String, Codable, Sendable {
        /// Held back by the fatigue guard until `opensAt`.
        case delayed
        case open
        case closed
    }

    public var number: Int
    public var initiative: InitiativeID
    public var cycle: Int
    public var trigger: Trigger
    public var status: Status
    public var requestedAt: Date
    /// `requestedAt`, or later when the fatigue guard delayed the round.
    public var opensAt: Date
    /// When the round actually opened; nil for a round that never did (delayed, then blocked).
    public var openedAt: Date?
    public var closesAt: Date?
    public var closedAt: Date?
    /// `window`, `quota`, `step completed`, `superseded`.
    public var closeReason: String?
    /// The round's metric, computed when it closes.
    public var metrics: MetricResult?

    public init(
        number: Int, initiative: InitiativeID, cycle: Int, trigger: Trigger, status: Status, requestedAt: Date,
        opensAt: Date, closesAt: Date?
    ) {
        self.number = number
        self.initiative = initiative
        self.cycle = cycle
        self.trigger = trigger
        self.status = status
        self.requestedAt = requestedAt
        self.opensAt = opensAt
        self.closesAt = closesAt
        openedAt = status == .delayed ? nil : opensAt
    }
}
