import Foundation

/// Which test produced a `Comparison`.
public enum ComparisonTest: String, Codable, Sendable, Equatable, Hashable {
    /// Two proportions: z with pooled SE, Newcombe's hybrid score CI.
    case twoProportionZ
    /// Two NPS: z with SE = 100·√(Var₁ + Var₂).
    case npsDifferenceZ
    /// Two means: Welch's t with Welch–Satterthwaite df.
    case welchT
    /// One proportion against a fixed value: score z test, Wilson CI.
    case oneProportionZ
    /// One NPS against a fixed value: z with SE = 100·√Var.
    case oneSampleNPSZ
    /// One mean against a fixed value: one-sample t.
    case oneSampleT
}

/// The result of comparing a re-survey with its baseline. Differences are always
/// current − baseline, on the metric's scale (NPS points, percentage points, scale points),
/// so positive means improvement.
public struct Comparison: Codable, Sendable, Equatable, Hashable {
    public var test: ComparisonTest
    /// The baseline value (a round's estimate, or the fixed value compared against).
    public var baseline: Double
    /// The re-survey's estimate.
    public var current: Double
    /// current − baseline.
    public var difference: Double
    /// The 95 % CI of the difference.
    public var interval: ConfidenceInterval
    /// The z or t statistic; nil when the standard error is 0 but the difference is not (both
    /// groups without any spread: the difference is then exact and `pValue` is 0). When the
    /// standard error and the difference are both 0 the statistic is 0 and `pValue` is 1.
    public var statistic: Double?
    /// Degrees of freedom, for t tests.
    public var degreesOfFreedom: Double?
    /// Two-sided p-value.
    public var pValue: Double

    public init(
        test: ComparisonTest, baseline: Double, current: Double, interval: ConfidenceInterval,
        statistic: Double?, degreesOfFreedom: Double? = nil, pValue: Double
    ) {
        self.test = test
        self.baseline = baseline
        self.current = current
        self.difference = current - baseline
        self.interval = interval
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = pValue
    }

    /// p < 0.05.
    public var significant: Bool { pValue < 0.05 }

    /// Builds the statistic and p-value from a difference and its standard error, applying the
    /// zero-spread rule: SE = 0 → statistic 0 and p = 1 when the difference is 0, otherwise
    /// no statistic and p = 0. `pFor` maps a statistic to its two-sided p-value.
    static func test(
        difference: Double, standardError: Double, pFor: (Double) -> Double
    ) -> (statistic: Double?, pValue: Double) {
        if standardError > 0 {
            let statistic = difference / standardError
            return (statistic, pFor(statistic))
        }
        return difference == 0 ? (0, 1) : (nil, 0)
    }
}
