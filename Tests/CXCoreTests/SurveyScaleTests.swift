import CXCore
import Foundation
import Testing

@Suite("Survey scales: ranges, validation, good and detractor rules")
struct SurveyScaleTests {
    @Test(arguments: [
        (SurveyScale.nps, 0, 10, 9, 6),
        (SurveyScale.csat, 1, 5, 4, 2),
        (SurveyScale.ces, 1, 7, 5, 3),
        (SurveyScale.custom(min: 1, max: 10, good: 8), 1, 10, 8, 3),
    ])
    func scalesKnowTheirRangeGoodThresholdAndDetractorCeiling(
        scale: SurveyScale, min: Int, max: Int, good: Int, detractor: Int
    ) {
        #expect(scale.min == min)
        #expect(scale.max == max)
        #expect(scale.goodThreshold == good)
        #expect(scale.detractorCeiling == detractor)
    }

    /// A custom scale copying CSAT (1–5, good 4) or CES (1–7, good 5) gets the same detractor
    /// rule, and a wide good band never makes good scores detractors: 1–5 with good 2 mirrors
    /// to ≤ 1 + (5 − 2) = 4 but is capped at good − 1 = 1.
    @Test func customDetractorsMirrorTheGoodBandWithoutOverlappingIt() {
        #expect(SurveyScale.custom(min: 1, max: 5, good: 4).detractorCeiling == SurveyScale.csat.detractorCeiling)
        #expect(SurveyScale.custom(min: 1, max: 7, good: 5).detractorCeiling == SurveyScale.ces.detractorCeiling)
        #expect(SurveyScale.custom(min: 1, max: 5, good: 2).detractorCeiling == 1)
    }

    @Test(arguments: [(SurveyScale.nps, 0), (.nps, 10), (.csat, 1), (.csat, 5), (.ces, 7)])
    func scoresWithinTheScaleAreAccepted(scale: SurveyScale, score: Int) {
        #expect(scale.validate(score) == .valid(score))
    }

    @Test(arguments: [(SurveyScale.nps, -1), (.nps, 11), (.csat, 0), (.csat, 6), (.ces, 8), (.custom(min: 2, max: 4, good: 3), 1)])
    func scoresOutsideTheScaleAreRejectedWithTheAllowedRange(scale: SurveyScale, score: Int) {
        let reason = scale.validate(score).reason
        #expect(reason == "score \(score) is outside the \(scale.name) (allowed \(scale.min)–\(scale.max))")
    }

    @Test func fractionalAndNonFiniteScoresAreRejected() {
        #expect(SurveyScale.nps.validate(7.5).reason == "score 7.5 is not a whole number")
        #expect(SurveyScale.nps.validate(Double.nan).reason == "score nan is not a finite number")
        #expect(SurveyScale.nps.validate(7.0) == .valid(7))
        #expect(SurveyScale.nps.validate(1e300).reason?.hasPrefix("score 1e+300 is outside") == true)
    }

    @Test(arguments: [("7", 7), (" 9 ", 9), ("7.0", 7), ("+3", 3), ("10.", 10)])
    func scoreTextThatIsAWholeNumberIsAccepted(text: String, score: Int) {
        #expect(SurveyScale.nps.validate(text: text) == .valid(score))
    }

    @Test(arguments: [
        ("", "score is empty"),
        ("abc", "score \"abc\" is not a number"),
        ("1e1", "score \"1e1\" is not a number"),
        ("nan", "score \"nan\" is not a number"),
        ("7.5", "score 7.5 is not a whole number"),
        ("11", "score 11 is outside the NPS scale (allowed 0–10)"),
    ])
    func scoreTextIsRejectedWithAReason(text: String, reason: String) {
        #expect(SurveyScale.nps.validate(text: text).reason == reason)
    }

    @Test func malformedCustomScalesRejectEveryScore() {
        let inverted = SurveyScale.custom(min: 5, max: 1, good: 3)
        #expect(inverted.problem == "a custom scale needs min < max, got 5–1")
        #expect(inverted.validate(3).reason == "a custom scale needs min < max, got 5–1")
        #expect(!inverted.contains(3))
        let goodOutside = SurveyScale.custom(min: 1, max: 5, good: 6)
        #expect(goodOutside.problem == "the good threshold 6 lies outside the scale 1–5")
        #expect(SurveyScale.custom(min: 1, max: 5, good: 5).problem == nil)
    }

    @Test func scalesRoundTripThroughJSON() throws {
        let scales: [SurveyScale] = [.nps, .csat, .ces, .custom(min: 0, max: 4, good: 3)]
        let data = try JSONEncoder().encode(scales)
        #expect(try JSONDecoder().decode([SurveyScale].self, from: data) == scales)
    }
}
