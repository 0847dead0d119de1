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
    /// The metric for `responses` on `scale` (tallies them, then measures the tally).
    public static func measure(_ responses: [SurveyResponse], on scale: SurveyScale) -> MetricResult {
        measure(ResponseTally(responses), on: scale)
    }

    /// The metric for raw scores (nil = unanswered) on `scale`.
    public static func measure(scores: [Int?], on scale: SurveyScale) -> MetricResult {
        var tally = ResponseTally()
        for score in scores { tally.add(score: score, emotion: nil) }
        return measure(tally, on: scale)
    }

    /// The metric for a tally of answers on `scale`: the one implementation behind every
    /// `measure`, so a round of a million answers is measured from a dozen counts.
    public static func measure(_ tally: ResponseTally, on scale: SurveyScale) -> MetricResult {
        var valid: [Int: Int] = [:]
        var invalid = 0
        for (score, count) in tally.scores where count > 0 {
            if scale.contains(score) { valid[score] = count } else { invalid += count }
        }
        var result: MetricResult
        switch scale.metric {
        case .nps: result = nps(valid)
        case .csat: result = topTwoBox(valid, on: scale)
        case .ces, .customMean: result = mean(valid, on: scale)
        }
        result.unanswered = tally.unanswered
        result.invalid = invalid
        return result
    }

    /// How many answers in `counts` (answers per score) have a score satisfying `condition`.
    private static func count(_ counts: [Int: Int], where condition: (Int) -> Bool) -> Int {
        counts.reduce(0) { condition($1.key) ? $0 + $1.value : $0 }
    }

    /// NPS over valid 0–10 scores, given as answers per score.
    static func nps(_ counts: [Int: Int]) -> MetricResult {
        let promoters = count(counts) { $0 >= 9 }
        let detractors = count(counts) { $0 <= 6 }
        let n = count(counts) { _ in true }
        let passives = n - promoters - detractors
        let sample = NPSSample(promoters: promoters, detractors: detractors, n: n)
        func percent(_ part: Int) -> Double? { ProportionSample(successes: part, n: n).percent }
        let parts = NPSComponents(
            promoters: promoters, passives: passives, detractors: detractors,
            promoterPercent: percent(promoters), passivePercent: percent(passives),
            detractorPercent: percent(detractors)
        )
        return MetricResult(
            kind: .nps, scale: .nps, value: sample.score, n: n, interval: sample.interval, components: .nps(parts)
        )
    }

    /// Percent in the top two boxes (≥ max − 1) over valid scores, given as answers per score.
    static func topTwoBox(_ counts: [Int: Int], on scale: SurveyScale) -> MetricResult {
        let threshold = scale.max - 1
        let sample = ProportionSample(successes: count(counts) { $0 >= threshold }, n: count(counts) { _ in true })
        return MetricResult(
            kind: scale.metric, scale: scale, value: sample.percent, n: sample.n,
            interval: WilsonInterval.interval(successes: sample.successes, trials: sample.n)?.scaled(by: 100),
            components: .csat(CSATComponents(topTwoBox: sample.successes, threshold: threshold))
        )
    }

    /// Mean with t interval, plus % good with Wilson interval, over valid scores given as
    /// answers per score.
    static func mean(_ counts: [Int: Int], on scale: SurveyScale) -> MetricResult {
        let sample = MeanSample(counts: counts)
        let good = ProportionSample(successes: count(counts) { scale.isGood($0) }, n: sample.n)
        let n = sample.n
        let parts = MeanComponents(
            mean: n > 0 ? sample.mean : nil,
            standardDeviation: sample.standardDeviation,
            goodThreshold: scale.goodThreshold,
            good: good.successes,
            goodPercent: good.percent,
            goodInterval: WilsonInterval.interval(successes: good.successes, trials: n)?.scaled(by: 100)
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
