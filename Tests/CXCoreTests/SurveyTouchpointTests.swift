import CXCore
import Foundation
import Testing

@Suite("Survey touchpoints: per-touchpoint metrics, emotions and follow-up detractors")
struct SurveyTouchpointTests {
    static let responses = [
        SurveyResponse(respondent: "a", score: 10, touchpoint: "checkout", emotion: .positive),
        SurveyResponse(respondent: "b", score: 3, touchpoint: "checkout", emotion: .negative),
        SurveyResponse(respondent: "c", score: 8, touchpoint: "checkout", emotion: .negative),
        SurveyResponse(respondent: "d", score: nil, touchpoint: "checkout", emotion: .neutral),
        SurveyResponse(respondent: "e", score: 9, touchpoint: "delivery"),
        SurveyResponse(respondent: "f", score: 6, touchpoint: "delivery", emotion: .neutral),
        SurveyResponse(respondent: "g", score: 7),
    ]

    /// Overall: 6 answered scores 10 3 8 9 6 7 → promoters 2, detractors 2 → NPS 0.
    /// checkout: 10 3 8 → (1 − 1)/3 → NPS 0, n = 3 (d is unanswered). delivery: 9 6 → NPS 0.
    @Test func theMetricIsComputedOverallAndPerTouchpoint() throws {
        let report = TouchpointReport(responses: Self.responses, scale: .nps)
        #expect(report.overall.n == 6)
        #expect(report.overall.unanswered == 1)
        #expect(report.overall.value == 0)
        #expect(report.touchpoints.map(\.touchpoint) == ["checkout", "delivery"])
        #expect(report.untagged == 1)
        let checkout = try #require(report.breakdown(for: "checkout"))
        #expect(checkout.metric.n == 3)
        #expect(checkout.metric.nps?.promoters == 1)
        #expect(checkout.metric.nps?.detractors == 1)
        #expect(report.breakdown(for: "delivery")?.metric.n == 2)
        #expect(report.breakdown(for: "billing") == nil)
    }

    /// Emotions count every response at the touchpoint, answered or not.
    @Test func emotionsAreCountedPerTouchpoint() {
        let report = TouchpointReport(responses: Self.responses, scale: .nps)
        #expect(report.breakdown(for: "checkout")?.emotions == EmotionCounts(positive: 1, neutral: 1, negative: 2))
        #expect(report.breakdown(for: "delivery")?.emotions == EmotionCounts(neutral: 1, unspecified: 1))
        #expect(report.overallEmotions == EmotionCounts(positive: 1, neutral: 2, negative: 2, unspecified: 2))
        #expect(report.overallEmotions.total == Self.responses.count)
    }

    /// Detractors: b (score 3) and c (score 8 but negative) at checkout; f (6) at delivery.
    @Test func detractorsIncludeLowScoresAndNegativeEmotions() {
        let report = TouchpointReport(responses: Self.responses, scale: .nps)
        #expect(report.breakdown(for: "checkout")?.detractors == 2)
        #expect(report.breakdown(for: "delivery")?.detractors == 1)
        #expect(report.overallDetractors == 3)
        #expect(SurveyScale.nps.detractors(in: Self.responses).map(\.respondent) == ["b", "c", "f"])
    }

    @Test(arguments: [
        (SurveyScale.nps, 6, true), (.nps, 7, false),
        (.csat, 2, true), (.csat, 3, false),
        (.ces, 3, true), (.ces, 4, false),
        (.custom(min: 0, max: 10, good: 8), 2, true), (.custom(min: 0, max: 10, good: 8), 3, false),
    ])
    func detractorScoresFollowTheScalesRule(scale: SurveyScale, score: Int, detractor: Bool) {
        #expect(scale.isDetractor(SurveyResponse(respondent: "x", score: score)) == detractor)
    }

    @Test func aNegativeEmotionMakesADetractorEvenWithoutAScore() {
        #expect(SurveyScale.csat.isDetractor(SurveyResponse(respondent: "x", score: nil, emotion: .negative)))
        #expect(!SurveyScale.csat.isDetractor(SurveyResponse(respondent: "x", score: nil, emotion: .neutral)))
        // Out-of-scale scores are not evidence of anything.
        #expect(!SurveyScale.csat.isDetractor(SurveyResponse(respondent: "x", score: 0)))
    }

    @Test func anEmptyRoundHasNoTouchpointsAndNoValue() {
        let report = TouchpointReport(responses: [], scale: .csat)
        #expect(report.touchpoints.isEmpty)
        #expect(report.overall.value == nil)
        #expect(report.untagged == 0)
    }
}
