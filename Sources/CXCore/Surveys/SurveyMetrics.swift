import Foundation

/// Computes a round's metric from its responses. Which metric depends on the scale:
///
/// - NPS (0–10): %promoters (9–10) − %detractors (0–6), −100…100. CI: NPS ± z·100·√Var with
///   Var = (p + d − (p − d)²)/n, clamped to [−100, 100].
/// - CSAT: 100·(answers ≥ max − 1)/n, the top two boxes. CI: Wilson, in percent.
/// - CES and custom: the mean, with the Student-t CI x̄ ± t₀.₉₇₅(n−1)·s/√n (n ≥ 2), clamped to
///   the scale; plus the percent of good answers (≥ `goodThreshold`: CES ≥ max − 2 = 5) with
///   its Wilson CI.
///
/// Denominator for all of them: answered responses whose score lies on the scale.
public enum SurveyMetrics {
    /// The metric for `responses` on `scale`.
    public static func measure(_ responses: [SurveyResponse], on scale: SurveyScale) -> MetricResult {
        measure(scores: responses.map(\.score), on: scale)
    }

    /// The metric for raw scores (nil = unanswered) on `scale`.
    public static func measure(scores: [Int?], on scale: SurveyScale) -> MetricResult {
        var valid: [Int] = []
        var unanswered = 0, invalid = 0
        for score in scores {
            guard let score else { unanswered += 1; continue }
            if scale.contains(score) { valid.append(score) } else { invalid += 1 }
        }
        var result: MetricResult
        switch scale.metric {
        case .nps: result = nps(valid)
        case .csat: result = topTwoBox(valid, on: scale)
        case .ces, .customMean: result = mean(valid, on: scale)
        }
        result.unanswered = unanswered
        result.invalid = invalid
        return result
    }

    /// NPS over valid 0–10 scores.
    static func nps(_ scores: [Int]) -> MetricResult {
        let promoters = scores.count { $0 >= 9 }
        let detractors = scores.count { $0 <= 6 }
        let n = scores.count
        let passives = n - promoters - detractors
        let sample = NPSSample(promoters: promoters, detractors: detractors, n: n)
        func percent(_ count: Int) -> Double? { n > 0 ? 100 * Double(count) / Double(n) : nil }
        let parts = NPSComponents(
            promoters: promoters, passives: passives, detractors: detractors,
            promoterPercent: percent(promoters), passivePercent: percent(passives),
            detractorPercent: percent(detractors)
        )
        var interval: ConfidenceInterval?
        if let score = sample.score, let variance = sample.variance {
            interval = ConfidenceInterval.around(score, halfWidth: Distributions.z95 * 100 * variance.squareRoot())
                .clamped(to: -100...100)
        }
        return MetricResult(
            kind: .nps, scale: .nps, value: sample.score, n: n, interval: interval, components: .nps(parts)
        )
    }

    /// Percent in the top two boxes (≥ max − 1) over valid scores.
    static func topTwoBox(_ scores: [Int], on scale: SurveyScale) -> MetricResult {
        let threshold = scale.max - 1
        let sample = ProportionSample(successes: scores.count { $0 >= threshold }, n: scores.count)
        return MetricResult(
            kind: scale.metric, scale: scale, value: sample.proportion.map { $0 * 100 }, n: sample.n,
            interval: WilsonInterval.interval(successes: sample.successes, trials: sample.n)?.scaled(by: 100),
            components: .csat(CSATComponents(topTwoBox: sample.successes, threshold: threshold))
        )
    }

    /// Mean with t interval, plus % good with Wilson interval, over valid scores.
    static func mean(_ scores: [Int], on scale: SurveyScale) -> MetricResult {
        let sample = MeanSample(scores: scores)
        let good = scores.count { scale.isGood($0) }
        let n = scores.count
        let parts = MeanComponents(
            mean: n > 0 ? sample.mean : nil,
            standardDeviation: sample.standardDeviation,
            goodThreshold: scale.goodThreshold,
            good: good,
            goodPercent: n > 0 ? 100 * Double(good) / Double(n) : nil,
            goodInterval: WilsonInterval.interval(successes: good, trials: n)?.scaled(by: 100)
        )
        return MetricResult(
            kind: scale.metric, scale: scale, value: n > 0 ? sample.mean : nil, n: n,
            interval: meanInterval(sample)?.clamped(to: Double(scale.min)...Double(scale.max)),
            components: .mean(parts)
        )
    }

    /// x̄ ± t₀.₉₇₅(n − 1)·s/√n; nil when n < 2; the point x̄ when s = 0.
    public static func meanInterval(_ sample: MeanSample) -> ConfidenceInterval? {
        guard let standardError = sample.standardError else { return nil }
        if standardError == 0 { return .point(sample.mean) }
        return .around(sample.mean, halfWidth: Distributions.t95(df: Double(sample.n - 1)) * standardError)
    }
}
