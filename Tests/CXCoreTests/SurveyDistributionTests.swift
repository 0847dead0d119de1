import CXCore
import Foundation
import Testing

@Suite("Survey statistics: normal and Student-t distributions")
struct SurveyDistributionTests {
    /// Two-sided 95 % critical values from a printed Student-t table (any statistics textbook's
    /// table of t₀.₉₇₅ by degrees of freedom, to four decimals): ν = 1 → 12.7062, ν = 5 → 2.5706,
    /// ν = 30 → 2.0423, ν = 1000 → 1.9623.
    @Test(arguments: [(1.0, 12.7062), (5.0, 2.5706), (30.0, 2.0423), (1000.0, 1.9623)])
    func tQuantileMatchesTheTTable(df: Double, expected: Double) {
        #expect(abs(Distributions.t95(df: df) - expected) < 5e-5)
    }

    /// The quantile inverts the CDF to 1e-10, including in the far tails and for fractional
    /// Welch–Satterthwaite degrees of freedom.
    @Test(arguments: [0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.9999], [0.7, 1.0, 2.0, 17.9, 250.0])
    func tQuantileInvertsTheCDF(p: Double, df: Double) {
        let t = Distributions.studentTQuantile(p, df: df)
        #expect(abs(Distributions.studentTCDF(t, df: df) - p) < 1e-10)
    }

    /// Closed forms: ν = 1 is the Cauchy distribution, F(t) = ½ + atan(t)/π, so F(1) = 0.75;
    /// ν = 2 has F(t) = ½ + t/(2√(2 + t²)), so F(1) = ½ + 1/(2√3) = 0.7886751346.
    @Test func tCDFMatchesClosedFormsForOneAndTwoDegreesOfFreedom() {
        #expect(abs(Distributions.studentTCDF(1, df: 1) - 0.75) < 1e-12)
        #expect(abs(Distributions.studentTCDF(-1, df: 1) - 0.25) < 1e-12)
        #expect(abs(Distributions.studentTCDF(1, df: 2) - (0.5 + 1 / (2 * 3.0.squareRoot()))) < 1e-12)
        #expect(Distributions.studentTCDF(0, df: 7) == 0.5)
        // Two-sided p of t = 1 with ν = 1: 2·(1 − 0.75) = 0.5.
        #expect(abs(Distributions.studentTTwoSidedP(1, df: 1) - 0.5) < 1e-12)
    }

    /// I_x(1, 1) = x, I_x(a, 1) = xᵃ, I_x(1, b) = 1 − (1 − x)ᵇ, and I_½(a, a) = ½ by symmetry.
    @Test(arguments: [0.05, 0.3, 0.5, 0.77, 0.99])
    func incompleteBetaMatchesClosedForms(x: Double) {
        #expect(abs(Distributions.regularizedIncompleteBeta(x, a: 1, b: 1) - x) < 1e-13)
        #expect(abs(Distributions.regularizedIncompleteBeta(x, a: 3, b: 1) - pow(x, 3)) < 1e-13)
        #expect(abs(Distributions.regularizedIncompleteBeta(x, a: 1, b: 4) - (1 - pow(1 - x, 4))) < 1e-13)
        #expect(abs(Distributions.regularizedIncompleteBeta(0.5, a: x * 40, b: x * 40) - 0.5) < 1e-12)
    }

    @Test func incompleteBetaIsZeroAndOneAtTheEnds() {
        #expect(Distributions.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(Distributions.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
    }

    /// Φ(0) = ½, Φ(1) = 0.8413447461, Φ(−3) = 0.0013498980 (standard normal table values),
    /// and Φ(1.959964) = 0.975 to seven digits (z₀.₉₇₅ = 1.959963984540054).
    @Test func normalCDFFromErfMatchesTableValues() {
        #expect(Distributions.normalCDF(0) == 0.5)
        #expect(abs(Distributions.normalCDF(1) - 0.8413447461) < 1e-10)
        #expect(abs(Distributions.normalCDF(-3) - 0.0013498980) < 1e-10)
        #expect(abs(Distributions.normalCDF(Distributions.z95) - 0.975) < 1e-7)
        #expect(abs(Distributions.normalTwoSidedP(Distributions.z95) - 0.05) < 1e-7)
    }

    /// For large ν the t distribution approaches the normal: t₀.₉₇₅(10⁶) ≈ 1.959966.
    @Test func tQuantileApproachesTheNormalQuantileForHugeDegreesOfFreedom() {
        #expect(abs(Distributions.t95(df: 1_000_000) - Distributions.z95) < 1e-5)
    }
}
