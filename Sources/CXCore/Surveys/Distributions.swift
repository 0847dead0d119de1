import Foundation

/// The normal and Student-t distributions the survey statistics need, written out so the core
/// stays free of dependencies. Everything here is a pure function of its arguments.
///
/// The t distribution goes through the regularized incomplete beta function
/// I_x(a, b), evaluated with the continued fraction of Numerical Recipes (`betacf`, modified
/// Lentz's method):
///
///     P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2)
public enum Distributions {
    /// The two-sided 95 % normal quantile z₀.₉₇₅ = Φ⁻¹(0.975), to double precision (the
    /// rounded 1.959964 shifts interval ends in the 7th digit), used by every z interval and
    /// Wilson interval.
    public static let z95 = 1.959963984540054

    /// Standard normal CDF Φ(x) = ½·erfc(−x/√2); erfc keeps precision in the lower tail.
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Two-sided p-value of a z statistic: P(|Z| ≥ |z|) = erfc(|z|/√2).
    public static func normalTwoSidedP(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }

    /// The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1.
    ///
    /// I_x(a, b) = x^a (1−x)^b / (a·B(a, b)) · cf(a, b, x), using the continued fraction
    /// directly when x < (a+1)/(a+b+2) and the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
    /// otherwise (where the fraction converges fast).
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "the incomplete beta function needs a, b > 0")
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log1p(-x)
        let front = exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    /// ln Γ(x) for x > 0, through the C library's reentrant `lgamma_r`. Plain `lgamma` also
    /// stores the sign of Γ(x) in the process-wide `signgam`: a data race when survey statistics
    /// are computed on several threads at once.
    static func logGamma(_ x: Double) -> Double {
        #if canImport(Glibc)
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
        #else
        // The platform overlay's two-result `lgamma` is its `lgamma_r`.
        let (value, _): (Double, Int) = lgamma(x)
        return value
        #endif
    }

    /// The continued fraction for I_x(a, b), evaluated by the modified Lentz method
    /// (Numerical Recipes §6.4, `betacf`). Even terms d₂ₘ = m(b−m)x / ((a+2m−1)(a+2m)),
    /// odd terms d₂ₘ₊₁ = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)).
    static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let maxIterations = 10_000
        let epsilon = 1e-15
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for step in 1...maxIterations {
            let m = Double(step), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    /// Student-t CDF with `df` (> 0, need not be an integer) degrees of freedom:
    /// the tail ½·I_{ν/(ν+t²)}(ν/2, ½) below −|t|, reflected for positive t.
    public static func studentTCDF(_ t: Double, df: Double) -> Double {
        precondition(df > 0, "the t distribution needs df > 0")
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// Two-sided p-value of a t statistic: P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½).
    public static func studentTTwoSidedP(_ t: Double, df: Double) -> Double {
        precondition(df > 0, "the t distribution needs df > 0")
        if t.isInfinite { return 0 }
        return regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
    }

    /// The quantile t_p(ν): the t with CDF(t) = p, for 0 < p < 1. Found by bracketing
    /// (doubling outwards from 0) then bisection until the bracket is narrower than 1e-12,
    /// comfortably inside the 1e-10 the intervals need. The distribution is symmetric, so
    /// only p > ½ is searched.
    public static func studentTQuantile(_ p: Double, df: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs 0 < p < 1")
        precondition(df > 0, "the t distribution needs df > 0")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentTQuantile(1 - p, df: df) }
        var low = 0.0, high = 1.0
        while studentTCDF(high, df: df) < p { low = high; high *= 2 }
        while high - low > 1e-12 * max(1, high) {
            let middle = (low + high) / 2
            if studentTCDF(middle, df: df) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The two-sided 95 % t quantile t₀.₉₇₅(ν).
    public static func t95(df: Double) -> Double {
        studentTQuantile(0.975, df: df)
    }
}
