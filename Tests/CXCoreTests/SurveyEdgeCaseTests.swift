@testable import CXCore
import Foundation
import PropertyBased
import Testing

/// `good` answers of 5 and `n − good` answers of 1 on the CSAT scale.
func csatTally(good: Int, of n: Int) -> ResponseTally {
    var tally = ResponseTally()
    tally.add(score: 5, emotion: nil, count: good)
    tally.add(score: 1, emotion: nil, count: n - good)
    return tally
}

@Suite("Survey statistics at their edges: targets, quantiles, p-values and extreme proportions")
struct SurveyEdgeCaseTests {
    // MARK: A value exactly on target

    /// 100·(58/100) is 57.99999999999999 in floating point; the verdict is decided on the counts
    /// (100·58 ≥ 58·100), and the value is 100·x/n in one division.
    @Test(arguments: [(57, 100, false), (58, 100, true), (29, 50, true), (59, 100, true)])
    func aCSATExactlyOnTargetMeetsTheGoal(good: Int, n: Int, met: Bool) {
        let evaluation = Evaluation.evaluate(
            resurvey: csatTally(good: good, of: n), baseline: .fixed(50), scale: .csat, target: 58, minimumSampleSize: 30)
        #expect((evaluation.outcome == .goalMet) == met)
        #expect(evaluation.currentValue == Double(100 * good) / Double(n))
        if good * 100 == 58 * n { #expect(evaluation.currentValue == 58) }
    }

    /// The comparison is exact on both sides: the smallest double above the target is not met.
    @Test func aTargetAHairAboveTheValueIsNotMet() {
        let evaluation = Evaluation.evaluate(
            resurvey: csatTally(good: 58, of: 100), baseline: .fixed(50), scale: .csat, target: 58.0.nextUp,
            minimumSampleSize: 30)
        #expect(evaluation.outcome != .goalMet)
    }

    /// NPS 29 promoters of 50, no detractors: exactly 58.
    @Test func anNPSExactlyOnTargetMeetsTheGoal() {
        var tally = ResponseTally()
        tally.add(score: 10, emotion: nil, count: 29)
        tally.add(score: 8, emotion: nil, count: 21)
        let met = Evaluation.evaluate(resurvey: tally, baseline: .fixed(0), scale: .nps, target: 58, minimumSampleSize: 30)
        #expect(met.outcome == .goalMet)
        let missed = Evaluation.evaluate(
            resurvey: tally, baseline: .fixed(0), scale: .nps, target: 58.0.nextUp, minimumSampleSize: 30)
        #expect(missed.outcome != .goalMet)
    }

    // MARK: z₀.₉₇₅

    /// Φ(z₀.₉₇₅) = 0.975 to the last bits (the rounded 1.959964 is off by 9·10⁻¹⁰).
    @Test func theNormalQuantileIsExactToDoublePrecision() {
        #expect(abs(Distributions.normalCDF(Distributions.z95) - 0.975) < 1e-15)
        #expect(abs(Distributions.normalTwoSidedP(Distributions.z95) - 0.05) < 1e-15)
    }

    // MARK: p-values in sentences

    @Test(arguments: [
        (0.0499, "p = 0.0499"), (0.0501, "p = 0.0501"), (0.05, "p = 0.0500"), (0.049996, "p = 0.049996"),
        (0.47448, "p = 0.474"), (0.0455, "p = 0.0455"), (0.00468, "p = 0.00468"), (0.0009, "p < 0.001"), (1, "p = 1.00"),
    ])
    func pValuesPrintWithThreeSignificantDigits(p: Double, text: String) {
        #expect(EvaluationSummary.pText(p) == text)
    }

    /// Whatever p, the printed value lies on the same side of 0.05 as p and within half a unit of
    /// its third significant digit.
    @Test func printedPValuesNeverCrossPointZeroFive() async {
        await propertyCheck(count: 1000, input: Gen.double(in: 0.001...1)) { p in
            let text = EvaluationSummary.pText(p)
            let shown = Double(text.dropFirst("p = ".count))
            #expect(shown.map { ($0 < 0.05) == (p < 0.05) } == true, "\(p) → \(text)")
            #expect(shown.map { abs($0 - p) <= 0.005 * p } == true, "\(p) → \(text)")
        }
    }

    /// Evaluations against a fixed 50 % with n from 400 to 1600 and z near 1.96 put p on both
    /// sides of 0.05 (three decimals would print 0.050 for both); the printed p always agrees
    /// with the verdict.
    @Test func theSummarysPValueAgreesWithItsVerdictAroundPointZeroFive() throws {
        let pattern = try NSRegularExpression(pattern: #"p = ([0-9.]+)\)"#)
        var justBelow = 0, justAbove = 0
        for n in 400...1600 {
            let root = Double(n).squareRoot()
            for good in (n / 2 + Int(0.9 * root))...(n / 2 + Int(1.06 * root)) {
                let evaluation = Evaluation.evaluate(
                    resurvey: csatTally(good: good, of: n), baseline: .fixed(50), scale: .csat, target: 100,
                    minimumSampleSize: 30)
                let summary = evaluation.summary
                let match = try #require(pattern.firstMatch(in: summary, range: NSRange(summary.startIndex..., in: summary)))
                let printed = try #require(Range(match.range(at: 1), in: summary).flatMap { Double(summary[$0]) })
                #expect((printed < 0.05) == (evaluation.outcome == .improved), "\(summary)")
                let p = try #require(evaluation.comparison?.pValue)
                if p >= 0.0495 && p < 0.05 { justBelow += 1 }
                if p >= 0.05 && p <= 0.0505 { justAbove += 1 }
            }
        }
        #expect(justBelow > 0 && justAbove > 0)
    }

    // MARK: Newcombe's interval for a difference of proportions

    /// Newcombe (1998), "Interval estimation for the difference between independent proportions:
    /// comparison of eleven methods", Statistics in Medicine 17:873–890, Table II, method 10
    /// (score interval without continuity correction) for θ = x₁/n₁ − x₂/n₂.
    @Test(arguments: [
        (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090), (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926), (0, 10, 0, 20, -0.1611, 0.2775), (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000), (10, 10, 0, 10, 0.6075, 1.0000),
    ])
    func newcombesIntervalMatchesHisPublishedExamples(x1: Int, n1: Int, x2: Int, n2: Int, lower: Double, upper: Double) throws {
        let first = ProportionSample(successes: x1, n: n1), second = ProportionSample(successes: x2, n: n2)
        let interval = try #require(NewcombeInterval.difference(baseline: second, current: first))
        #expect(abs(interval.lower - lower) < 5e-5 && abs(interval.upper - upper) < 5e-5, "\(interval)")
        let comparison = try #require(Comparisons.proportions(baseline: second, current: first))
        #expect(abs(comparison.interval.lower - 100 * lower) < 5e-3 && abs(comparison.interval.upper - 100 * upper) < 5e-3)
    }

    /// 0 % against 0 % and 100 % against 100 %: the unpooled Wald interval is the point 0; Newcombe's
    /// is a real interval around 0, and it narrows as the samples grow.
    @Test(arguments: [(0, 0), (1, 1)])
    func extremeProportionsGiveARealInterval(baselineAllGood: Int, currentAllGood: Int) throws {
        var widths: [Double] = []
        for n in [10, 40, 160] {
            let comparison = try #require(Comparisons.proportions(
                baseline: ProportionSample(successes: baselineAllGood * n, n: n),
                current: ProportionSample(successes: currentAllGood * n, n: n)))
            #expect(comparison.interval.lower < 0 && comparison.interval.upper > 0)
            #expect(comparison.pValue == 1)
            widths.append(comparison.interval.width)
        }
        #expect(widths == widths.sorted(by: >))
    }

    /// 0 of 20 against 20 of 20: an interval below 100 points and above 0, not the point 100.
    @Test func fromNoneToAllIsAnIntervalBelowAHundredPoints() throws {
        let comparison = try #require(Comparisons.proportions(
            baseline: ProportionSample(successes: 0, n: 20), current: ProportionSample(successes: 20, n: 20)))
        #expect(comparison.difference == 100)
        #expect(comparison.interval.upper == 100)
        #expect(comparison.interval.lower > 50 && comparison.interval.lower < 100)
    }

    // MARK: One NPS against a fixed value

    /// NPS 90 (9 promoters of 10): the interval 90 ± 18.6 reaches 108.6, beyond the scale; it is
    /// clamped to 100 like the round's own interval before the reference 50 is subtracted.
    @Test func theOneSampleNPSIntervalStaysOnTheScale() throws {
        let sample = NPSSample(promoters: 9, detractors: 0, n: 10)
        let comparison = try #require(Comparisons.nps(sample, against: 50))
        let own = try #require(sample.interval)
        #expect(own.upper == 100)
        #expect(comparison.interval.upper == 50)
        #expect(comparison.interval.lower == own.lower - 50)
        #expect(comparison.difference == 40)
    }

    /// The same holds for any round and any reference: the difference interval is the round's
    /// NPS interval, within [−100, 100], minus the reference.
    @Test func oneSampleNPSIntervalsAreTheRoundsIntervalMinusTheReference() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...10).array(of: 1...40)) { scores in
            let metric = SurveyMetrics.measure(scores: scores, on: .nps)
            guard let interval = metric.interval, let comparison = Comparisons.compare(metric, against: 20) else {
                Issue.record("no interval for \(scores)")
                return
            }
            #expect(interval.lower >= -100 && interval.upper <= 100)
            #expect(nearlyEqual(comparison.interval.lower, interval.lower - 20))
            #expect(nearlyEqual(comparison.interval.upper, interval.upper - 20))
        }
    }
}
