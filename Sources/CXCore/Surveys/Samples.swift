import Foundation

/// A count of successes out of trials: the summary behind CSAT and "% good".
public struct ProportionSample: Codable, Sendable, Equatable, Hashable {
    public var successes: Int
    public var n: Int

    public init(successes: Int, n: Int) {
        precondition(n >= 0 && successes >= 0 && successes <= n, "successes must lie in 0...n")
        self.successes = successes
        self.n = n
    }

    /// p̂ = successes/n; nil when n = 0.
    public var proportion: Double? { n > 0 ? Double(successes) / Double(n) : nil }

    /// 100·p̂, computed as 100·successes/n in one division so that it is the correctly rounded
    /// percentage (58/100 gives 58, where 100·(58/100) gives 57.99999999999999); nil when n = 0.
    public var percent: Double? { n > 0 ? Double(100 * successes) / Double(n) : nil }
}

/// Promoter and detractor counts out of n answered NPS responses.
public struct NPSSample: Codable, Sendable, Equatable, Hashable {
    public var promoters: Int
    public var detractors: Int
    public var n: Int

    public init(promoters: Int, detractors: Int, n: Int) {
        precondition(promoters >= 0 && detractors >= 0 && promoters + detractors <= n, "counts exceed n")
        self.promoters = promoters
        self.detractors = detractors
        self.n = n
    }

    /// NPS = 100·(promoters − detractors)/n; nil when n = 0.
    public var score: Double? {
        n > 0 ? 100 * Double(promoters - detractors) / Double(n) : nil
    }

    /// The variance of NPS/100 (a difference of two multinomial proportions):
    /// with p = promoters/n and d = detractors/n, Var = (p + d − (p − d)²)/n. Nil when n = 0.
    public var variance: Double? {
        guard n > 0 else { return nil }
        let size = Double(n)
        let p = Double(promoters) / size, d = Double(detractors) / size
        return Swift.max(0, p + d - (p - d) * (p - d)) / size
    }

    /// The 95 % interval NPS ± z₀.₉₇₅·100·√Var, clamped to [−100, 100]; nil when n = 0.
    public var interval: ConfidenceInterval? {
        guard let score, let variance else { return nil }
        return ConfidenceInterval.around(score, halfWidth: Distributions.z95 * 100 * variance.squareRoot())
            .clamped(to: -100...100)
    }
}

/// n, mean and sample variance of scores: the summary behind CES and custom means.
public struct MeanSample: Codable, Sendable, Equatable, Hashable {
    public var n: Int
    /// The mean; 0 when n = 0 (check `n` first).
    public var mean: Double
    /// The sample variance s² = Σ(x − x̄)²/(n − 1); 0 when n < 2.
    public var variance: Double

    public init(n: Int, mean: Double, variance: Double) {
        precondition(n >= 0 && variance >= 0, "n and variance must not be negative")
        self.n = n
        self.mean = mean
        self.variance = variance
    }

    /// Summarises raw values with the two-pass formula (mean first, then squared deviations),
    /// which avoids the cancellation of Σx² − n·x̄².
    public init(values: [Double]) {
        let count = values.count
        let mean = count > 0 ? values.reduce(0, +) / Double(count) : 0
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.init(n: count, mean: mean, variance: count > 1 ? squares / Double(count - 1) : 0)
    }

    /// Summarises integer scores.
    public init(scores: [Int]) {
        self.init(values: scores.map(Double.init))
    }

    /// Summarises scores given as answers per score, without expanding them: the mean is the
    /// exact integer sum divided once by n, and the variance is two-pass over the scores
    /// (Σ count·(score − x̄)², in ascending order of score so the result never depends on
    /// dictionary order), which avoids the cancellation of Σx² − n·x̄².
    public init(counts: [Int: Int]) {
        let bins = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        let count = bins.reduce(0) { $0 + $1.value }
        let sum = bins.reduce(0) { $0 + $1.key * $1.value }
        let mean = count > 0 ? Double(sum) / Double(count) : 0
        let squares = bins.reduce(0.0) { total, bin in
            let deviation = Double(bin.key) - mean
            return total + Double(bin.value) * deviation * deviation
        }
        self.init(n: count, mean: mean, variance: count > 1 ? squares / Double(count - 1) : 0)
    }

    /// s = √s²; nil when n < 2.
    public var standardDeviation: Double? { n > 1 ? variance.squareRoot() : nil }

    /// The standard error of the mean s/√n; nil when n < 2.
    public var standardError: Double? { n > 1 ? (variance / Double(n)).squareRoot() : nil }
}
