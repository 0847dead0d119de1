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
    ///     half-width = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²),  z = z₀.₉₇₅
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

/// Newcombe's hybrid score interval for a difference of two proportions (Newcombe 1998,
/// method 10), built from the two Wilson intervals. Unlike the Wald interval
/// p₂ − p₁ ± z·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂), it does not collapse to a point when a
/// proportion is 0 or 1, and it stays inside [−1, 1].
public enum NewcombeInterval {
    /// The 95 % interval for p₂ − p₁ (`current` − `baseline`), as proportions in [−1, 1]; nil
    /// when either sample is empty. With (l₁, u₁) and (l₂, u₂) the Wilson intervals:
    ///
    ///     lower = (p₂ − p₁) − √((p₂ − l₂)² + (u₁ − p₁)²)
    ///     upper = (p₂ − p₁) + √((u₂ − p₂)² + (p₁ − l₁)²)
    public static func difference(baseline: ProportionSample, current: ProportionSample) -> ConfidenceInterval? {
        guard let p1 = baseline.proportion, let p2 = current.proportion,
              let wilson1 = WilsonInterval.interval(successes: baseline.successes, trials: baseline.n),
              let wilson2 = WilsonInterval.interval(successes: current.successes, trials: current.n) else { return nil }
        func hypot(_ a: Double, _ b: Double) -> Double { (a * a + b * b).squareRoot() }
        let difference = p2 - p1
        return ConfidenceInterval(
            lower: difference - hypot(p2 - wilson2.lower, wilson1.upper - p1),
            upper: difference + hypot(wilson2.upper - p2, p1 - wilson1.lower)
        ).clamped(to: -1...1)
    }
}
