import Foundation

/// A two-sided 95 % confidence interval [lower, upper] on the scale of the value it belongs to
/// (NPS points, percent, or scale points for means).
public struct ConfidenceInterval: Codable, Sendable, Equatable, Hashable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The degenerate interval [value, value], used when the data have no spread.
    public static func point(_ value: Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: value, upper: value)
    }

    /// estimate ± halfWidth.
    static func around(_ estimate: Double, halfWidth: Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: estimate - halfWidth, upper: estimate + halfWidth)
    }

    public var width: Double { upper - lower }

    /// Whether `value` lies in the closed interval, allowing `tolerance` for rounding.
    public func contains(_ value: Double, tolerance: Double = 1e-9) -> Bool {
        value >= lower - tolerance && value <= upper + tolerance
    }

    /// Both ends multiplied by `factor` (a proportion's interval in percent: factor 100).
    func scaled(by factor: Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: lower * factor, upper: upper * factor)
    }

    /// Both ends moved by `offset` (an interval for p turned into one for p − p₀).
    func shifted(by offset: Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: lower + offset, upper: upper + offset)
    }

    /// Both ends clamped into `range`.
    func clamped(to range: ClosedRange<Double>) -> ConfidenceInterval {
        ConfidenceInterval(
            lower: min(max(lower, range.lowerBound), range.upperBound),
            upper: min(max(upper, range.lowerBound), range.upperBound)
        )
    }
}

/// The Wilson score interval for a binomial proportion (Wilson 1927), preferred over the
/// Wald interval because it stays inside [0, 1] and keeps its coverage near 0 % and 100 %.
public enum WilsonInterval {
    /// The 95 % Wilson interval for `successes` out of `trials`, as proportions in [0, 1];
    /// nil when there are no trials.
    ///
    ///     p̂ = x/n,  centre = (p̂ + z²/2n) / (1 + z²/n),
    ///     half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²),  z = 1.959964
    public static func interval(successes: Int, trials: Int) -> ConfidenceInterval? {
        precondition(successes >= 0 && successes <= trials, "successes must lie in 0...trials")
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z = Distributions.z95
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return ConfidenceInterval(lower: centre - half, upper: centre + half).clamped(to: 0...1)
    }
}
