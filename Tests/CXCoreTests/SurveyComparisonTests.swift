import CXCore
import Foundation
import Testing

@Suite("Survey comparisons: re-survey against a baseline round or a fixed value")
struct SurveyComparisonTests {
    /// Baseline 40/100 satisfied, re-survey 55/100. Difference 0.15.
    /// Pooled p = 95/200 = 0.475; SE₀ = √(0.475·0.525·(1/100 + 1/100)) = √0.0049875 = 0.0706222;
    /// z = 0.15/0.0706222 = 2.123977; p = erfc(2.123977/√2) = 0.033672.
    /// CI (Newcombe's hybrid score interval): Wilson(40/100) = [0.309401, 0.497997],
    /// Wilson(55/100) = [0.452446, 0.643855];
    /// lower = 0.15 − √((0.55 − 0.452446)² + (0.497997 − 0.4)²) = 0.15 − 0.138276 = 0.011724,
    /// upper = 0.15 + √((0.643855 − 0.55)² + (0.4 − 0.309401)²) = 0.15 + 0.130449 = 0.280449
    /// → [1.1724, 28.0449] percentage points.
    @Test func twoProportionZTestPoolsForTheTestAndUsesNewcombesInterval() throws {
        let result = try #require(Comparisons.proportions(
            baseline: ProportionSample(successes: 40, n: 100), current: ProportionSample(successes: 55, n: 100)
        ))
        #expect(result.test == .twoProportionZ)
        #expect(surveyClose(result.difference, 15, within: 1e-9))
        #expect(surveyClose(result.statistic, 2.123977, within: 1e-6))
        #expect(surveyClose(result.pValue, 0.033672, within: 1e-6))
        #expect(surveyClose(result.interval.lower, 1.1724))
        #expect(surveyClose(result.interval.upper, 28.0449))
        #expect(result.significant)
    }

    /// Baseline: 30 promoters, 40 detractors of 100 (NPS −10); re-survey: 50 and 20 of 100
    /// (NPS 30). Var₁ = (0.3 + 0.4 − 0.1²)/100 = 0.0069; Var₂ = (0.5 + 0.2 − 0.3²)/100 = 0.0061;
    /// SE = 100·√0.013 = 11.401754; z = 40/11.401754 = 3.508232; p = 0.000451;
    /// CI = 40 ± 1.959964·11.401754 = 40 ± 22.347028 → [17.6530, 62.3470].
    @Test func npsDifferenceUsesTheSumOfTheTwoMultinomialVariances() throws {
        let result = try #require(Comparisons.nps(
            baseline: NPSSample(promoters: 30, detractors: 40, n: 100),
            current: NPSSample(promoters: 50, detractors: 20, n: 100)
        ))
        #expect(result.baseline == -10)
        #expect(result.current == 30)
        #expect(surveyClose(result.difference, 40, within: 1e-9))
        #expect(surveyClose(result.statistic, 3.508232, within: 1e-6))
        #expect(surveyClose(result.pValue, 0.000451, within: 1e-6))
        #expect(surveyClose(result.interval.lower, 17.6530))
        #expect(surveyClose(result.interval.upper, 62.3470))
    }

    /// Public reference: R's `t.test(ts1, ts2)` (Welch is R's default), as quoted in a
    /// Stack Exchange answer on Welch confidence intervals (mirrored at
    /// https://boxhoidap.com/huong-dan-welchs-t-test-confidence-interval-python-tran-khoang-tin-cay-t-test-cua-welch):
    ///   ts1 = 11 9 10 11 10 12 9 11 12 9, ts2 = 11 13 10 13 12 9 11 12 12 11
    ///   "t = -1.8325, df = 17.9, p-value = 0.08356;
    ///    95 percent confidence interval: -2.1469104 0.1469104; mean of x 10.4, mean of y 11.4".
    /// Here ts1 is the baseline and ts2 the re-survey, so the signs flip: difference +1,
    /// t = +1.8325, CI [−0.1469104, 2.1469104].
    @Test func welchMatchesRsPublishedOutput() throws {
        let ts1 = MeanSample(scores: [11, 9, 10, 11, 10, 12, 9, 11, 12, 9])
        let ts2 = MeanSample(scores: [11, 13, 10, 13, 12, 9, 11, 12, 12, 11])
        let result = try #require(Comparisons.means(baseline: ts1, current: ts2))
        #expect(result.test == .welchT)
        #expect(surveyClose(result.difference, 1, within: 1e-12))
        #expect(surveyClose(result.statistic, 1.8325, within: 5e-5))
        #expect(surveyClose(result.degreesOfFreedom, 17.9, within: 5e-2))
        #expect(surveyClose(result.pValue, 0.08356, within: 5e-6))
        #expect(surveyClose(result.interval.lower, -0.1469104, within: 1e-6))
        #expect(surveyClose(result.interval.upper, 2.1469104, within: 1e-6))
        #expect(!result.significant)
    }

    /// Baseline 1 2 3 4 5 and re-survey 3 4 5 6 7: means 3 and 5, s² = 2.5 each.
    /// s²/n = 0.5 each; SE = √1 = 1; t = 2/1 = 2; df = 1²/(0.25/4 + 0.25/4) = 8;
    /// p = I_{8/12}(4, ½) = 0.080516; CI = 2 ± t₀.₉₇₅(8)·1 = 2 ± 2.306004 → [−0.306004, 4.306004].
    @Test func welchWorkedByHand() throws {
        let result = try #require(Comparisons.means(
            baseline: MeanSample(scores: [1, 2, 3, 4, 5]), current: MeanSample(scores: [3, 4, 5, 6, 7])
        ))
        #expect(surveyClose(result.statistic, 2, within: 1e-12))
        #expect(surveyClose(result.degreesOfFreedom, 8, within: 1e-12))
        #expect(surveyClose(result.pValue, 0.080516, within: 1e-6))
        #expect(surveyClose(result.interval.lower, -0.306004, within: 1e-6))
    }

    /// Both groups without spread: the Welch–Satterthwaite df would be 0/0. Defined as an exact
    /// difference: point interval, no df, no statistic and p = 0 when the means differ; statistic
    /// 0 and p = 1 when they are equal. Never NaN.
    @Test func welchWithZeroVarianceInBothGroupsIsExactNotNaN() throws {
        let different = try #require(Comparisons.means(
            baseline: MeanSample(scores: [4, 4, 4]), current: MeanSample(scores: [5, 5])
        ))
        #expect(different.difference == 1)
        #expect(different.interval == .point(1))
        #expect(different.statistic == nil)
        #expect(different.degreesOfFreedom == nil)
        #expect(different.pValue == 0)
        #expect(different.significant)
        let same = try #require(Comparisons.means(baseline: MeanSample(scores: [4, 4]), current: MeanSample(scores: [4, 4, 4])))
        #expect(same.statistic == 0)
        #expect(same.pValue == 1)
        #expect(same.interval == .point(0))
    }

    /// Zero variance in one group only: df = (n − 1) of the other, since its term vanishes.
    /// Baseline 4 4 4, re-survey 3 5 (mean 4, s² = 2): SE = 1, t = 0, df = 1, p = 1.
    @Test func welchWithZeroVarianceInOneGroupUsesTheOthersDegreesOfFreedom() throws {
        let result = try #require(Comparisons.means(baseline: MeanSample(scores: [4, 4, 4]), current: MeanSample(scores: [3, 5])))
        #expect(result.degreesOfFreedom == 1)
        #expect(result.statistic == 0)
        #expect(surveyClose(result.pValue, 1, within: 1e-12))
        // CI = 0 ± 12.706205·1.
        #expect(surveyClose(result.interval.upper, 12.7062, within: 5e-5))
    }

    @Test func comparisonsNeedAnswersOnBothSides() {
        #expect(Comparisons.proportions(baseline: ProportionSample(successes: 0, n: 0), current: ProportionSample(successes: 1, n: 2)) == nil)
        #expect(Comparisons.nps(baseline: NPSSample(promoters: 1, detractors: 0, n: 1), current: NPSSample(promoters: 0, detractors: 0, n: 0)) == nil)
        #expect(Comparisons.means(baseline: MeanSample(scores: [3]), current: MeanSample(scores: [4, 5])) == nil)
        #expect(Comparisons.mean(MeanSample(scores: [3]), against: 2) == nil)
        #expect(Comparisons.proportion(ProportionSample(successes: 0, n: 0), against: 50) == nil)
    }

    /// Both proportions 0 % (or 100 %): pooled SE 0 and difference 0 → z = 0, p = 1.
    @Test func identicalExtremeProportionsAreNoChange() throws {
        let result = try #require(Comparisons.proportions(
            baseline: ProportionSample(successes: 10, n: 10), current: ProportionSample(successes: 20, n: 20)
        ))
        #expect(result.statistic == 0)
        #expect(result.pValue == 1)
        #expect(!result.significant)
    }

    /// 60/100 against a fixed 50 %: z = (0.6 − 0.5)/√(0.5·0.5/100) = 0.1/0.05 = 2;
    /// p = erfc(2/√2) = 0.045500. CI = Wilson(60/100) − 0.5 = [0.502003, 0.690599] − 0.5
    /// → [0.2003, 19.0599] percentage points, which excludes 0 exactly as the test says.
    @Test func oneProportionAgainstAFixedValueUsesTheScoreTest() throws {
        let result = try #require(Comparisons.proportion(ProportionSample(successes: 60, n: 100), against: 50))
        #expect(result.test == .oneProportionZ)
        #expect(surveyClose(result.statistic, 2, within: 1e-12))
        #expect(surveyClose(result.pValue, 0.045500, within: 1e-6))
        #expect(surveyClose(result.interval.lower, 0.2003))
        #expect(surveyClose(result.interval.upper, 19.0599))
    }

    /// NPS 20 (5 promoters, 3 detractors of 10) against a fixed 0: SE = 100·√0.076 = 27.568098;
    /// z = 20/27.568098 = 0.725476; p = 0.468160.
    @Test func oneNPSAgainstAFixedValueUsesItsOwnVariance() throws {
        let result = try #require(Comparisons.nps(NPSSample(promoters: 5, detractors: 3, n: 10), against: 0))
        #expect(result.test == .oneSampleNPSZ)
        #expect(surveyClose(result.statistic, 0.725476, within: 1e-6))
        #expect(surveyClose(result.pValue, 0.468160, within: 1e-6))
        #expect(surveyClose(result.interval.lower, -34.0325))
    }

    /// Scores 4 5 6 5 5 against a fixed mean 4: x̄ = 5, s² = (1 + 0 + 1 + 0 + 0)/4 = 0.5,
    /// SE = √(0.5/5) = 0.316228; t = 1/0.316228 = 3.162278, df = 4, p = 0.034109;
    /// CI = 1 ± 2.776445·0.316228 = 1 ± 0.877989 → [0.122011, 1.877989].
    @Test func oneMeanAgainstAFixedValueIsAOneSampleTTest() throws {
        let result = try #require(Comparisons.mean(MeanSample(scores: [4, 5, 6, 5, 5]), against: 4))
        #expect(result.test == .oneSampleT)
        #expect(surveyClose(result.statistic, 3.162278, within: 1e-6))
        #expect(result.degreesOfFreedom == 4)
        #expect(surveyClose(result.pValue, 0.034109, within: 1e-6))
        #expect(surveyClose(result.interval.lower, 0.122011, within: 1e-6))
        #expect(surveyClose(result.interval.upper, 1.877989, within: 1e-6))
    }

    @Test func oneMeanWithoutSpreadFollowsTheZeroSpreadRule() throws {
        let result = try #require(Comparisons.mean(MeanSample(scores: [6, 6, 6]), against: 5))
        #expect(result.statistic == nil)
        #expect(result.pValue == 0)
        #expect(result.interval == .point(1))
    }
}
