import CXCore
import Foundation
import PropertyBased
import Testing

@Suite("Survey statistics invariants over random rounds")
struct SurveyPropertyTests {
    /// Random rounds of scores; values outside a scale are dropped by `measure`.
    static let rounds = Gen.int(in: 0...10).array(of: 0...60)

    @Test func npsStaysWithinMinusAndPlusHundredAndInsideItsInterval() async {
        await propertyCheck(count: 300, input: Self.rounds) { scores in
            let result = SurveyMetrics.measure(scores: scores, on: .nps)
            #expect(result.n == scores.count)
            guard let value = result.value, let interval = result.interval else {
                #expect(scores.isEmpty)
                return
            }
            #expect(value >= -100 && value <= 100)
            #expect(interval.lower >= -100 && interval.upper <= 100)
            #expect(interval.contains(value))
        }
    }

    @Test func csatStaysWithinZeroAndHundredAndInsideItsWilsonInterval() async {
        await propertyCheck(count: 300, input: Self.rounds) { scores in
            let result = SurveyMetrics.measure(scores: scores.map { $0 % 5 + 1 }, on: .csat)
            guard let value = result.value, let interval = result.interval else { return }
            #expect(value >= 0 && value <= 100)
            #expect(interval.lower >= 0 && interval.upper <= 100)
            #expect(interval.contains(value))
        }
    }

    @Test func meansLieInsideTheirIntervalsAndTheScale() async {
        await propertyCheck(count: 300, input: Self.rounds) { scores in
            let result = SurveyMetrics.measure(scores: scores.map { $0 % 7 + 1 }, on: .ces)
            guard let value = result.value else { return }
            #expect(value >= 1 && value <= 7)
            if let interval = result.interval { #expect(interval.contains(value)) }
            if let parts = result.mean, let percent = parts.goodPercent, let good = parts.goodInterval {
                #expect(good.contains(percent))
            }
        }
    }

    @Test func wilsonIntervalsLieWithinZeroAndOneAndContainTheProportion() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...400).array(of: 2)) { pair in
            let trials = max(pair[0], pair[1]), successes = min(pair[0], pair[1])
            guard let interval = WilsonInterval.interval(successes: successes, trials: trials) else {
                #expect(trials == 0)
                return
            }
            #expect(interval.lower >= 0 && interval.upper <= 1)
            #expect(interval.contains(Double(successes) / Double(trials)))
        }
    }

    /// Swapping baseline and re-survey negates the difference and mirrors its interval, with
    /// the same p-value, for all three two-sample tests.
    @Test func swappingTheSamplesNegatesTheDifference() async {
        let pairs = Gen.int(in: 0...10).array(of: 2...40).array(of: 2)
        await propertyCheck(count: 200, input: pairs) { pair in
            let (a, b) = (pair[0], pair[1])
            func check(_ forward: Comparison?, _ backward: Comparison?) {
                guard let forward, let backward else {
                    Issue.record("comparison missing for \(a) vs \(b)")
                    return
                }
                #expect(abs(forward.difference + backward.difference) < 1e-9)
                #expect(abs(forward.interval.lower + backward.interval.upper) < 1e-9)
                #expect(abs(forward.interval.upper + backward.interval.lower) < 1e-9)
                #expect(abs(forward.pValue - backward.pValue) < 1e-9)
                #expect(forward.pValue >= 0 && forward.pValue <= 1)
                #expect(forward.interval.contains(forward.difference))
            }
            let npsA = SurveyMetrics.measure(scores: a, on: .nps), npsB = SurveyMetrics.measure(scores: b, on: .nps)
            check(Comparisons.compare(baseline: npsA, current: npsB), Comparisons.compare(baseline: npsB, current: npsA))
            let csatA = SurveyMetrics.measure(scores: a.map { $0 % 5 + 1 }, on: .csat)
            let csatB = SurveyMetrics.measure(scores: b.map { $0 % 5 + 1 }, on: .csat)
            check(Comparisons.compare(baseline: csatA, current: csatB), Comparisons.compare(baseline: csatB, current: csatA))
            let meanA = MeanSample(scores: a), meanB = MeanSample(scores: b)
            check(Comparisons.means(baseline: meanA, current: meanB), Comparisons.means(baseline: meanB, current: meanA))
        }
    }

    /// Whatever the rounds, an evaluation never reports a verdict below the minimum sample size
    /// and never produces NaN.
    @Test func evaluationsNeverGiveAVerdictWithoutEnoughAnswers() async {
        let pairs = Gen.int(in: 0...10).array(of: 0...30).array(of: 2)
        await propertyCheck(count: 200, input: pairs) { pair in
            let evaluation = Evaluation.evaluate(
                resurvey: surveyResponses(pair[1]), baseline: .round(surveyResponses(pair[0])), scale: .nps,
                target: 20, minimumSampleSize: 10
            )
            if pair[1].count < 10 { #expect(evaluation.outcome == .insufficientData) }
            if pair[0].count < 10, evaluation.outcome != .goalMet { #expect(evaluation.outcome == .insufficientData) }
            if let comparison = evaluation.comparison {
                #expect(!comparison.pValue.isNaN && !comparison.difference.isNaN)
                #expect(!comparison.interval.lower.isNaN && !comparison.interval.upper.isNaN)
            }
        }
    }
}
