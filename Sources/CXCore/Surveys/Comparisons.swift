import Foundation

/// Two-sample and one-sample comparisons for evaluating a re-survey. Each returns nil when
/// a sample is too small to compare (n = 0; for means n < 2). Differences are
/// current − baseline; the interval is 95 % and `significant` means p < 0.05.
public enum Comparisons {
    /// Two proportions (CSAT, % good), in percentage points.
    ///
    ///     p₁ = x₁/n₁, p₂ = x₂/n₂, pooled p = (x₁ + x₂)/(n₁ + n₂)
    ///     z = (p₂ − p₁) / √(p(1−p)(1/n₁ + 1/n₂))           (pooled SE, for the test)
    ///     CI = Newcombe's hybrid score interval of p₂ − p₁ (`NewcombeInterval`)
    ///
    /// The interval is Newcombe's rather than the Wald interval with the unpooled SE, which
    /// collapses to the point 0 when both proportions are 0 % or 100 % and covers poorly near
    /// the ends.
    public static func proportions(baseline: ProportionSample, current: ProportionSample) -> Comparison? {
        guard let p1 = baseline.proportion, let p2 = current.proportion, let percent1 = baseline.percent,
              let percent2 = current.percent,
              let interval = NewcombeInterval.difference(baseline: baseline, current: current) else { return nil }
        let n1 = Double(baseline.n), n2 = Double(current.n)
        let pooled = Double(baseline.successes + current.successes) / (n1 + n2)
        let pooledSE = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        let result = Comparison.test(
            difference: p2 - p1, standardError: pooledSE, pFor: Distributions.normalTwoSidedP
        )
        return Comparison(
            test: .twoProportionZ, baseline: percent1, current: percent2, interval: interval.scaled(by: 100),
            statistic: result.statistic, pValue: result.pValue
        )
    }

    /// Two NPS, in NPS points: difference NPS₂ − NPS₁ with SE = 100·√(Var₁ + Var₂), where
    /// Var = (p + d − (p − d)²)/n for each round; z = difference/SE, CI = difference ± z₀.₉₇₅·SE
    /// (clamped to [−200, 200]).
    public static func nps(baseline: NPSSample, current: NPSSample) -> Comparison? {
        guard let score1 = baseline.score, let score2 = current.score,
              let variance1 = baseline.variance, let variance2 = current.variance else { return nil }
        let standardError = 100 * (variance1 + variance2).squareRoot()
        let difference = score2 - score1
        let result = Comparison.test(
            difference: difference, standardError: standardError, pFor: Distributions.normalTwoSidedP
        )
        return Comparison(
            test: .npsDifferenceZ, baseline: score1, current: score2,
            interval: ConfidenceInterval.around(difference, halfWidth: Distributions.z95 * standardError)
                .clamped(to: -200...200),
            statistic: result.statistic, pValue: result.pValue
        )
    }

    /// Two means (CES, custom) by Welch's t-test; both samples need n ≥ 2.
    ///
    ///     SE = √(s₁²/n₁ + s₂²/n₂),  t = (x̄₂ − x̄₁)/SE
    ///     df = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1))   (Welch–Satterthwaite)
    ///     CI = (x̄₂ − x̄₁) ± t₀.₉₇₅(df)·SE
    ///
    /// When both variances are 0 the Welch–Satterthwaite df is 0/0; the samples then carry no
    /// spread at all, so the difference is reported exactly (CI = the point), df is nil, and
    /// the zero-spread rule of `Comparison.statistic` applies (p = 1 for equal means, else 0).
    public static func means(baseline: MeanSample, current: MeanSample) -> Comparison? {
        guard baseline.n >= 2, current.n >= 2 else { return nil }
        let a = baseline.variance / Double(baseline.n)
        let b = current.variance / Double(current.n)
        let standardError = (a + b).squareRoot()
        let difference = current.mean - baseline.mean
        guard standardError > 0 else {
            let result = Comparison.test(difference: difference, standardError: 0) { _ in 1 }
            return Comparison(
                test: .welchT, baseline: baseline.mean, current: current.mean,
                interval: .point(difference), statistic: result.statistic, pValue: result.pValue
            )
        }
        let df = (a + b) * (a + b) / (a * a / Double(baseline.n - 1) + b * b / Double(current.n - 1))
        let t = difference / standardError
        return Comparison(
            test: .welchT, baseline: baseline.mean, current: current.mean,
            interval: .around(difference, halfWidth: Distributions.t95(df: df) * standardError),
            statistic: t, degreesOfFreedom: df, pValue: Distributions.studentTTwoSidedP(t, df: df)
        )
    }

    /// One proportion against a fixed value `reference` given in percent (0…100), e.g. a CSAT
    /// goal's starting point when no baseline round exists.
    ///
    ///     z = (p̂ − p₀)/√(p₀(1−p₀)/n)   (the score test: SE under the null)
    ///     CI = Wilson interval of p̂ minus p₀
    ///
    /// The score test is the test the Wilson interval inverts, so `significant` agrees with
    /// whether p₀ lies outside the Wilson interval.
    public static func proportion(_ current: ProportionSample, against reference: Double) -> Comparison? {
        guard let p = current.proportion, let percent = current.percent,
              let wilson = WilsonInterval.interval(successes: current.successes, trials: current.n) else { return nil }
        let percent0 = min(max(reference, 0), 100)
        let p0 = percent0 / 100
        let standardError = (p0 * (1 - p0) / Double(current.n)).squareRoot()
        let result = Comparison.test(
            difference: p - p0, standardError: standardError, pFor: Distributions.normalTwoSidedP
        )
        return Comparison(
            test: .oneProportionZ, baseline: percent0, current: percent,
            interval: wilson.shifted(by: -p0).scaled(by: 100),
            statistic: result.statistic, pValue: result.pValue
        )
    }

    /// One NPS against a fixed NPS `reference`: SE = 100·√Var, z = (NPS − reference)/SE,
    /// CI = the NPS interval NPS ± z₀.₉₇₅·SE, clamped to [−100, 100] like the metric's own,
    /// minus the reference.
    public static func nps(_ current: NPSSample, against reference: Double) -> Comparison? {
        guard let score = current.score, let variance = current.variance, let interval = current.interval else { return nil }
        let standardError = 100 * variance.squareRoot()
        let result = Comparison.test(
            difference: score - reference, standardError: standardError, pFor: Distributions.normalTwoSidedP
        )
        return Comparison(
            test: .oneSampleNPSZ, baseline: reference, current: score, interval: interval.shifted(by: -reference),
            statistic: result.statistic, pValue: result.pValue
        )
    }

    /// One mean against a fixed `reference` by the one-sample t-test (n ≥ 2):
    /// t = (x̄ − μ₀)/(s/√n), df = n − 1, CI = (x̄ − μ₀) ± t₀.₉₇₅(n−1)·s/√n. With s = 0 the
    /// zero-spread rule applies.
    public static func mean(_ current: MeanSample, against reference: Double) -> Comparison? {
        guard let standardError = current.standardError else { return nil }
        let df = Double(current.n - 1)
        let difference = current.mean - reference
        let result = Comparison.test(difference: difference, standardError: standardError) {
            Distributions.studentTTwoSidedP($0, df: df)
        }
        let half = standardError > 0 ? Distributions.t95(df: df) * standardError : 0
        return Comparison(
            test: .oneSampleT, baseline: reference, current: current.mean,
            interval: .around(difference, halfWidth: half),
            statistic: result.statistic, degreesOfFreedom: df, pValue: result.pValue
        )
    }
}
