import Foundation

/// Which number a survey round reports. Every metric is "higher is better".
public enum MetricKind: String, Codable, Sendable, Equatable, Hashable {
    /// Net Promoter Score, −100…100.
    case nps
    /// Percent of answers in the top two boxes, 0…100.
    case csat
    /// Mean customer-effort score on 1–7.
    case ces
    /// Mean score on a custom scale.
    case customMean
}

/// NPS breakdown: counts and percentages (of the answered responses) per category.
public struct NPSComponents: Codable, Sendable, Equatable, Hashable {
    public var promoters: Int
    public var passives: Int
    public var detractors: Int
    /// 100·promoters/n; nil when n = 0 (likewise below).
    public var promoterPercent: Double?
    public var passivePercent: Double?
    public var detractorPercent: Double?

    public init(
        promoters: Int, passives: Int, detractors: Int,
        promoterPercent: Double?, passivePercent: Double?, detractorPercent: Double?
    ) {
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
        self.promoterPercent = promoterPercent
        self.passivePercent = passivePercent
        self.detractorPercent = detractorPercent
    }
}

/// CSAT breakdown: how many answers fell in the top two boxes (max − 1 and max).
public struct CSATComponents: Codable, Sendable, Equatable, Hashable {
    public var topTwoBox: Int
    /// The lowest score counted as satisfied (max − 1).
    public var threshold: Int

    public init(topTwoBox: Int, threshold: Int) {
        self.topTwoBox = topTwoBox
        self.threshold = threshold
    }
}

/// Breakdown of a mean metric (CES and custom scales).
public struct MeanComponents: Codable, Sendable, Equatable, Hashable {
    /// The arithmetic mean; nil when n = 0.
    public var mean: Double?
    /// The sample standard deviation s = √(Σ(x − x̄)²/(n − 1)); nil when n < 2.
    public var standardDeviation: Double?
    /// The lowest score counted as good.
    public var goodThreshold: Int
    /// How many answers were ≥ `goodThreshold`.
    public var good: Int
    /// 100·good/n; nil when n = 0.
    public var goodPercent: Double?
    /// The Wilson 95 % interval for `goodPercent`, in percent; nil when n = 0.
    public var goodInterval: ConfidenceInterval?

    public init(
        mean: Double?, standardDeviation: Double?, goodThreshold: Int, good: Int,
        goodPercent: Double?, goodInterval: ConfidenceInterval?
    ) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.goodThreshold = goodThreshold
        self.good = good
        self.goodPercent = goodPercent
        self.goodInterval = goodInterval
    }
}

/// The parts a metric was computed from, by metric.
public enum MetricComponents: Codable, Sendable, Equatable, Hashable {
    case nps(NPSComponents)
    case csat(CSATComponents)
    case mean(MeanComponents)
}

/// A metric measured on one survey round (or one touchpoint of it).
///
/// Denominator: `n` counts the answered responses whose score lies on the scale. Unanswered
/// responses (`score == nil`) are counted in `unanswered` and scores outside the scale in
/// `invalid`; neither enters any percentage or mean.
public struct MetricResult: Codable, Sendable, Equatable, Hashable {
    public var kind: MetricKind
    public var scale: SurveyScale
    /// The metric on its own scale (NPS points, percent, or mean score); nil when n = 0, so an
    /// empty round never reads as a score of 0.
    public var value: Double?
    /// Answered responses with a score on the scale.
    public var n: Int
    /// Responses without a score.
    public var unanswered: Int
    /// Responses whose score lies outside the scale (they should have been rejected on import).
    public var invalid: Int
    /// The 95 % confidence interval for `value`; nil when n = 0, and for means when n < 2.
    public var interval: ConfidenceInterval?
    public var components: MetricComponents

    public init(
        kind: MetricKind, scale: SurveyScale, value: Double?, n: Int, unanswered: Int = 0,
        invalid: Int = 0, interval: ConfidenceInterval?, components: MetricComponents
    ) {
        self.kind = kind
        self.scale = scale
        self.value = value
        self.n = n
        self.unanswered = unanswered
        self.invalid = invalid
        self.interval = interval
        self.components = components
    }

    /// The NPS breakdown, when this is an NPS result.
    public var nps: NPSComponents? {
        if case .nps(let parts) = components { return parts }
        return nil
    }

    /// The CSAT breakdown, when this is a CSAT result.
    public var csat: CSATComponents? {
        if case .csat(let parts) = components { return parts }
        return nil
    }

    /// The mean breakdown, when this is a CES or custom result.
    public var mean: MeanComponents? {
        if case .mean(let parts) = components { return parts }
        return nil
    }
}
