import Foundation

/// What a re-survey is judged against: a previous round's answers (as a tally), or a fixed
/// value on the metric's scale (from the initiative's goal) when no baseline round exists.
public enum EvaluationBaseline: Sendable, Equatable {
    case round(ResponseTally)
    case fixed(Double)

    /// A baseline round given by its answers (tallied).
    public static func round(_ responses: [SurveyResponse]) -> EvaluationBaseline {
        .round(ResponseTally(responses))
    }
}

/// The verdict of step 8 ("re-survey and evaluate").
public enum EvaluationOutcome: String, Codable, Sendable, Equatable, Hashable {
    /// The re-survey's point estimate is at or above the target, with enough responses.
    case goalMet
    /// Significantly better than the baseline, but still below the target.
    case improved
    /// Below target and not significantly different from the baseline.
    case noSignificantChange
    /// Significantly worse than the baseline.
    case worse
    /// Too few responses to say anything (never a guessed verdict).
    case insufficientData
}

/// The evaluation of a re-survey round against its baseline and the goal's target.
///
/// Rules, in order:
/// 1. `insufficientData` when the re-survey has fewer than `minimumSampleSize` answered
///    responses (and at least 1 is always needed).
/// 2. `goalMet` when the re-survey's value ≥ `target`. The target is absolute, so a thin
///    baseline round does not block this verdict. NPS and CSAT compare their exact counts
///    (100·count ≥ target·n, decided without rounding), so 58 of 100 satisfied meets a CSAT
///    target of 58; means compare x̄ = Σx/n, computed in one division.
/// 3. `insufficientData` when a baseline round has fewer than `minimumSampleSize` answered
///    responses, or the comparison cannot be computed (means need n ≥ 2 in each round).
/// 4. Otherwise by the comparison: significant (p < 0.05) and positive → `improved`,
///    significant and negative → `worse`, else `noSignificantChange`.
public struct Evaluation: Codable, Sendable, Equatable {
    public var outcome: EvaluationOutcome
    public var kind: MetricKind
    /// The goal, on the metric's scale (NPS points, CSAT percent, mean score).
    public var target: Double
    public var minimumSampleSize: Int
    /// The baseline round's metric; nil when the baseline was a fixed value.
    public var baselineRound: MetricResult?
    /// The baseline value (the round's estimate, or the fixed value).
    public var baselineValue: Double?
    /// The re-survey's metric.
    public var current: MetricResult
    /// current − baseline with its CI, statistic and p-value; nil when not computable.
    public var comparison: Comparison?
    /// One English sentence stating the verdict and its numbers.
    public var summary: String

    /// The re-survey's value.
    public var currentValue: Double? { current.value }

    /// Evaluates the answers `resurvey` (on `scale`) against `baseline` and `target`.
    public static func evaluate(
        resurvey: [SurveyResponse], baseline: EvaluationBaseline, scale: SurveyScale,
        target: Double, minimumSampleSize: Int
    ) -> Evaluation {
        evaluate(
            resurvey: ResponseTally(resurvey), baseline: baseline, scale: scale, target: target,
            minimumSampleSize: minimumSampleSize)
    }

    /// Evaluates the re-survey's tally (on `scale`) against `baseline` and `target`.
    public static func evaluate(
        resurvey: ResponseTally, baseline: EvaluationBaseline, scale: SurveyScale,
        target: Double, minimumSampleSize: Int
    ) -> Evaluation {
        let minimum = Swift.max(1, minimumSampleSize)
        let current = SurveyMetrics.measure(resurvey, on: scale)
        var baselineRound: MetricResult?
        var baselineValue: Double?
        var comparison: Comparison?
        switch baseline {
        case .round(let tally):
            let round = SurveyMetrics.measure(tally, on: scale)
            baselineRound = round
            baselineValue = round.value
            comparison = Comparisons.compare(baseline: round, current: current)
        case .fixed(let value):
            baselineValue = value
            comparison = Comparisons.compare(current, against: value)
        }
        var evaluation = Evaluation(
            outcome: .insufficientData, kind: scale.metric, target: target, minimumSampleSize: minimum,
            baselineRound: baselineRound, baselineValue: baselineValue, current: current,
            comparison: comparison, summary: ""
        )
        evaluation.outcome = evaluation.decide()
        evaluation.summary = EvaluationSummary.sentence(for: evaluation)
        return evaluation
    }

    private func decide() -> EvaluationOutcome {
        guard current.n >= minimumSampleSize, current.value != nil else { return .insufficientData }
        if current.reaches(target) { return .goalMet }
        if let baselineRound, baselineRound.n < minimumSampleSize { return .insufficientData }
        guard let comparison else { return .insufficientData }
        guard comparison.significant else { return .noSignificantChange }
        return comparison.difference > 0 ? .improved : .worse
    }
}

extension Comparisons {
    /// Compares two rounds measured on the same scale with the test their metric calls for:
    /// NPS → NPS difference z; CSAT → two-proportion z; CES/custom → Welch's t.
    public static func compare(baseline: MetricResult, current: MetricResult) -> Comparison? {
        switch (baseline.components, current.components) {
        case (.nps(let a), .nps(let b)):
            return nps(baseline: NPSSample(a, n: baseline.n), current: NPSSample(b, n: current.n))
        case (.csat(let a), .csat(let b)):
            return proportions(
                baseline: ProportionSample(successes: a.topTwoBox, n: baseline.n),
                current: ProportionSample(successes: b.topTwoBox, n: current.n)
            )
        case (.mean(let a), .mean(let b)):
            return means(baseline: MeanSample(a, n: baseline.n), current: MeanSample(b, n: current.n))
        default:
            return nil
        }
    }

    /// Compares a round with a fixed value on its metric's scale: NPS → one-sample z;
    /// CSAT → score z against the percentage; CES/custom → one-sample t.
    public static func compare(_ current: MetricResult, against reference: Double) -> Comparison? {
        switch current.components {
        case .nps(let parts): nps(NPSSample(parts, n: current.n), against: reference)
        case .csat(let parts): proportion(ProportionSample(successes: parts.topTwoBox, n: current.n), against: reference)
        case .mean(let parts): mean(MeanSample(parts, n: current.n), against: reference)
        }
    }
}

extension MetricResult {
    /// Whether the value is at or above `target`. NPS and CSAT decide on their counts: the
    /// value is 100·count/n, and 100·count ≥ target·n is decided exactly (the fused
    /// multiply-add rounds target·n − 100·count once, which keeps its sign), so a value exactly
    /// on target reaches it whatever the division would have rounded to. Means compare x̄.
    func reaches(_ target: Double) -> Bool {
        let count: Int
        switch components {
        case .nps(let parts): count = parts.promoters - parts.detractors
        case .csat(let parts): count = parts.topTwoBox
        case .mean: return value.map { $0 >= target } ?? false
        }
        guard n > 0 else { return false }
        return (-Double(100 * count)).addingProduct(target, Double(n)) <= 0
    }
}

extension NPSSample {
    init(_ parts: NPSComponents, n: Int) {
        self.init(promoters: parts.promoters, detractors: parts.detractors, n: n)
    }
}

extension MeanSample {
    init(_ parts: MeanComponents, n: Int) {
        let sd = parts.standardDeviation ?? 0
        self.init(n: n, mean: parts.mean ?? 0, variance: sd * sd)
    }
}
