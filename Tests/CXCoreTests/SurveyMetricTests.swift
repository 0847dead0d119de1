import CXCore
import Foundation
import Testing

/// Builds responses from scores (nil = unanswered).
func surveyResponses(_ scores: [Int?], touchpoint: String? = nil) -> [SurveyResponse] {
    scores.enumerated().map { SurveyResponse(respondent: "r\($0.offset)", score: $0.element, touchpoint: touchpoint) }
}

func surveyClose(_ actual: Double?, _ expected: Double, within tolerance: Double = 1e-4) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= tolerance
}

@Suite("Survey metrics: NPS, CSAT, CES and custom means with their intervals")
struct SurveyMetricTests {
    /// Scores 10 10 9 9 9 8 7 6 3 0 (n = 10): promoters 5, passives 2, detractors 3.
    /// NPS = 50 % − 30 % = 20. p = 0.5, d = 0.3: Var = (0.5 + 0.3 − 0.2²)/10 = 0.76/10 = 0.076;
    /// half-width = 1.959964 · 100 · √0.076 = 1.959964 · 27.5681 = 54.0325 → [−34.0325, 74.0325].
    @Test func npsIsPromotersMinusDetractorsWithTheMultinomialInterval() {
        let result = SurveyMetrics.measure(surveyResponses([10, 10, 9, 9, 9, 8, 7, 6, 3, 0]), on: .nps)
        #expect(result.kind == .nps)
        #expect(result.n == 10)
        #expect(surveyClose(result.value, 20, within: 1e-12))
        #expect(result.nps == NPSComponents(
            promoters: 5, passives: 2, detractors: 3, promoterPercent: 50, passivePercent: 20, detractorPercent: 30
        ))
        #expect(surveyClose(result.interval?.lower, -34.0325))
        #expect(surveyClose(result.interval?.upper, 74.0325))
    }

    /// All ten answers 10: NPS 100, Var = (1 + 0 − 1²)/10 = 0, so the interval is the point
    /// [100, 100]; ten 9s and ten 0s: NPS 0, Var = (0.5 + 0.5 − 0)/20 = 0.05,
    /// half-width = 1.959964·100·0.223607 = 43.826 → [−43.826, 43.826].
    @Test func npsIntervalStaysWithinMinusAndPlusHundred() {
        let all = SurveyMetrics.measure(surveyResponses(Array(repeating: 10, count: 10)), on: .nps)
        #expect(all.value == 100)
        #expect(all.interval == .point(100))
        let split = SurveyMetrics.measure(surveyResponses(Array(repeating: 9, count: 10) + Array(repeating: 0, count: 10)), on: .nps)
        #expect(split.value == 0)
        #expect(surveyClose(split.interval?.upper, 43.8262))
        // Three promoters and a detractor: NPS 50, Var = (1 − 0.25)/4 = 0.1875,
        // half-width = 1.959964·100·0.4330 = 84.87 → upper 134.87, clamped to 100.
        let small = SurveyMetrics.measure(surveyResponses([10, 10, 9, 0]), on: .nps)
        #expect(small.interval?.upper == 100)
        #expect(surveyClose(small.interval?.lower, 50 - 84.8689))
    }

    /// n = 0 has no NPS at all (not 0), no interval and no percentages.
    @Test(arguments: [SurveyScale.nps, .csat, .ces, .custom(min: 0, max: 4, good: 3)])
    func aRoundWithoutAnswersHasNoValue(scale: SurveyScale) {
        let result = SurveyMetrics.measure(surveyResponses([nil, nil]), on: scale)
        #expect(result.n == 0)
        #expect(result.unanswered == 2)
        #expect(result.value == nil)
        #expect(result.interval == nil)
    }

    /// Unanswered and out-of-scale scores stay out of the denominator but are counted.
    @Test func onlyAnsweredScoresOnTheScaleCountInTheDenominator() {
        let result = SurveyMetrics.measure(surveyResponses([10, nil, 11, -1, 0]), on: .nps)
        #expect(result.n == 2)
        #expect(result.unanswered == 1)
        #expect(result.invalid == 2)
        #expect(result.value == 0)  // one promoter, one detractor
    }

    /// Scores 5 5 4 4 3 2 1 4 on 1–5 (n = 8): top two boxes (≥ 5 − 1 = 4) hold 5 → 62.5 %.
    /// Wilson, p̂ = 0.625, z² = 3.841459: centre = (0.625 + 3.841459/16)/(1 + 3.841459/8)
    /// = 0.865091/1.480182 = 0.584449; half = 1.959964/1.480182 · √(0.234375/8 + 3.841459/256)
    /// = 1.324138 · 0.210434 = 0.278644 → [30.5742 %, 86.3156 %].
    @Test func csatIsTheShareOfTheTopTwoBoxesWithAWilsonInterval() {
        let result = SurveyMetrics.measure(surveyResponses([5, 5, 4, 4, 3, 2, 1, 4]), on: .csat)
        #expect(result.kind == .csat)
        #expect(result.value == 62.5)
        #expect(result.csat == CSATComponents(topTwoBox: 5, threshold: 4))
        #expect(surveyClose(result.interval?.lower, 30.5742))
        #expect(surveyClose(result.interval?.upper, 86.3156))
    }

    /// Scores 7 6 5 5 4 3 (n = 6): mean 30/6 = 5; deviations 2 1 0 0 −1 −2, Σ² = 10,
    /// s² = 10/5 = 2, s = 1.414214; SE = √(2/6) = 0.577350; t₀.₉₇₅(5) = 2.570582;
    /// half = 1.484126 → [3.515874, 6.484126]. Good (≥ 7 − 2 = 5): 4 of 6 = 66.667 %,
    /// Wilson [29.9993 %, 90.3229 %].
    @Test func cesIsAMeanWithAStudentTIntervalAndAShareOfGoodScores() throws {
        let result = SurveyMetrics.measure(surveyResponses([7, 6, 5, 5, 4, 3]), on: .ces)
        #expect(result.kind == .ces)
        #expect(surveyClose(result.value, 5, within: 1e-12))
        #expect(surveyClose(result.interval?.lower, 3.515874, within: 1e-6))
        #expect(surveyClose(result.interval?.upper, 6.484126, within: 1e-6))
        let parts = try #require(result.mean)
        #expect(surveyClose(parts.standardDeviation, 2.0.squareRoot(), within: 1e-12))
        #expect(parts.goodThreshold == 5)
        #expect(parts.good == 4)
        #expect(surveyClose(parts.goodPercent, 66.6667))
        #expect(surveyClose(parts.goodInterval?.lower, 29.9993))
        #expect(surveyClose(parts.goodInterval?.upper, 90.3229))
    }

    /// Custom 0–4, good 3; scores 4 3 3 2 1 (n = 5): mean 13/5 = 2.6; deviations
    /// 1.4 0.4 0.4 −0.6 −1.6, Σ² = 1.96 + 0.16 + 0.16 + 0.36 + 2.56 = 5.2, s² = 1.3;
    /// SE = √(1.3/5) = 0.509902; t₀.₉₇₅(4) = 2.776445; half = 1.415715 → [1.184285, 4.015715],
    /// clamped to the scale's max 4. Good: 3 of 5 = 60 %.
    @Test func customScalesReportTheMeanClampedToTheScaleAndTheirGoodShare() {
        let result = SurveyMetrics.measure(surveyResponses([4, 3, 3, 2, 1]), on: .custom(min: 0, max: 4, good: 3))
        #expect(result.kind == .customMean)
        #expect(surveyClose(result.value, 2.6, within: 1e-12))
        #expect(surveyClose(result.interval?.lower, 1.184285, within: 1e-6))
        #expect(result.interval?.upper == 4)
        #expect(result.mean?.good == 3)
        #expect(result.mean?.goodPercent == 60)
    }

    /// n = 1: a mean but no standard deviation and no t interval (df would be 0); the Wilson
    /// interval for 1 of 1 good is still defined: [20.6549 %, 100 %].
    @Test func aSingleAnswerHasAMeanButNoTInterval() {
        let result = SurveyMetrics.measure(surveyResponses([6]), on: .ces)
        #expect(result.value == 6)
        #expect(result.interval == nil)
        #expect(result.mean?.standardDeviation == nil)
        #expect(surveyClose(result.mean?.goodInterval?.lower, 20.6549))
        #expect(result.mean?.goodInterval?.upper == 100)
    }

    /// Identical scores have s = 0, so the t interval degenerates to the point itself.
    @Test func identicalScoresGiveAPointInterval() {
        let result = SurveyMetrics.measure(surveyResponses([4, 4, 4, 4]), on: .ces)
        #expect(result.value == 4)
        #expect(result.mean?.standardDeviation == 0)
        #expect(result.interval == .point(4))
    }

    @Test func resultsRoundTripThroughJSON() throws {
        let result = SurveyMetrics.measure(surveyResponses([7, 6, 5, nil, 9]), on: .ces)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(MetricResult.self, from: data) == result)
    }
}

@Suite("Wilson interval against published values")
struct SurveyWilsonTests {
    /// Newcombe, R. G. (1998). "Two-sided confidence intervals for the single proportion:
    /// comparison of seven methods". Statistics in Medicine 17:857–872, Table II, method 3
    /// (Wilson score, no continuity correction): 81/263 → 0.2553–0.3662;
    /// 15/148 → 0.0624–0.1605; 0/20 → 0.0000–0.1611; 1/29 → 0.0061–0.1718.
    /// (Recomputed with z = 1.959964: 81/263 gives 0.255289–0.366210.)
    @Test(arguments: [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ])
    func wilsonMatchesNewcombe1998(successes: Int, trials: Int, lower: Double, upper: Double) throws {
        let interval = try #require(WilsonInterval.interval(successes: successes, trials: trials))
        #expect(abs(interval.lower - lower) < 5e-5)
        #expect(abs(interval.upper - upper) < 5e-5)
    }

    @Test func wilsonHasNoIntervalWithoutTrials() {
        #expect(WilsonInterval.interval(successes: 0, trials: 0) == nil)
    }
}
