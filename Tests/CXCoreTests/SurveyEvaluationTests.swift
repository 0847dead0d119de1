import CXCore
import Foundation
import Testing

/// `count` answers of each score, in order: `surveyRound([(10, 3), (0, 1)])` = 10 10 10 0.
func surveyRound(_ counts: [(score: Int, count: Int)]) -> [SurveyResponse] {
    surveyResponses(counts.flatMap { Array(repeating: Optional($0.score), count: $0.count) })
}

@Suite("Survey evaluation: step 8 verdicts against baseline and goal")
struct SurveyEvaluationTests {
    /// Baseline: 30 promoters, 30 passives, 40 detractors (NPS −10). Re-survey: 50, 30, 20
    /// (NPS 30). From the NPS comparison worked example: +40, CI [17.65, 62.35], p = 0.00045.
    static let npsBaseline = surveyRound([(10, 30), (7, 30), (3, 40)])
    static let npsResurvey = surveyRound([(9, 50), (8, 30), (6, 20)])

    @Test func reachingTheTargetWithEnoughAnswersMeetsTheGoal() {
        let evaluation = Evaluation.evaluate(
            resurvey: Self.npsResurvey, baseline: .round(Self.npsBaseline), scale: .nps,
            target: 25, minimumSampleSize: 50
        )
        #expect(evaluation.outcome == .goalMet)
        #expect(evaluation.baselineValue == -10)
        #expect(evaluation.currentValue == 30)
        #expect(evaluation.summary == "Goal met: NPS is 30.0 (n = 100), at or above the target of 25.0; "
            + "baseline -10.0, change +40.0 (95 % CI +17.7 to +62.3, p < 0.001).")
    }

    @Test func aSignificantRiseBelowTheTargetIsImprovedNotYetAtTarget() {
        let evaluation = Evaluation.evaluate(
            resurvey: Self.npsResurvey, baseline: .round(Self.npsBaseline), scale: .nps,
            target: 40, minimumSampleSize: 50
        )
        #expect(evaluation.outcome == .improved)
        #expect(evaluation.comparison?.significant == true)
        #expect(evaluation.summary == "Improved, not yet at target: NPS rose from -10.0 (n = 100) to 30.0 (n = 100), "
            + "+40.0 (95 % CI +17.7 to +62.3, p < 0.001); the target is 40.0.")
    }

    /// CSAT 40/100 → 45/100: pooled p = 0.425, SE₀ = √(0.425·0.575·0.02) = 0.069911,
    /// z = 0.05/0.069911 = 0.7152, p = 0.4745: not significant.
    @Test func aSmallMoveIsNoSignificantChange() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyRound([(5, 45), (3, 55)]), baseline: .round(surveyRound([(4, 40), (2, 60)])),
            scale: .csat, target: 80, minimumSampleSize: 30
        )
        #expect(evaluation.outcome == .noSignificantChange)
        #expect(surveyClose(evaluation.comparison?.pValue, 0.4745))
        #expect(evaluation.summary == "No significant change: CSAT moved from 40.0 % (n = 100) to 45.0 % (n = 100), "
            + "+5.0 pp (95 % CI -8.6 pp to +18.3 pp, p = 0.474); the target of 80.0 % is not met.")
    }

    /// CES baseline 6 6 6 5 5 7 (mean 35/6 = 5.83), re-survey 3 4 3 2 4 3 (mean 19/6 = 3.17):
    /// a clear, significant fall.
    @Test func aSignificantFallIsWorse() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyResponses([3, 4, 3, 2, 4, 3]), baseline: .round(surveyResponses([6, 6, 6, 5, 5, 7])),
            scale: .ces, target: 6, minimumSampleSize: 5
        )
        #expect(evaluation.outcome == .worse)
        #expect(evaluation.comparison?.test == .welchT)
        #expect((evaluation.comparison?.difference ?? 0) < 0)
        #expect(evaluation.summary.hasPrefix("Worse: the CES mean fell from 5.83 (n = 6) to 3.17 (n = 6), -2.67 (95 % CI "))
    }

    @Test func tooFewAnswersInTheResurveyIsInsufficientDataEvenAboveTarget() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyRound([(10, 9)]), baseline: .round(Self.npsBaseline), scale: .nps,
            target: 0, minimumSampleSize: 10
        )
        #expect(evaluation.outcome == .insufficientData)
        #expect(evaluation.summary == "Insufficient data: the re-survey has 9 answered responses and the baseline round 100; "
            + "at least 10 in each are needed to judge NPS.")
    }

    @Test func tooFewAnswersInTheBaselineRoundIsInsufficientDataBelowTarget() {
        let evaluation = Evaluation.evaluate(
            resurvey: Self.npsResurvey, baseline: .round(surveyRound([(0, 5)])), scale: .nps,
            target: 50, minimumSampleSize: 10
        )
        #expect(evaluation.outcome == .insufficientData)
    }

    /// The target is absolute, so a thin baseline round does not block `goalMet`.
    @Test func theGoalCanBeMetWhateverTheBaselineRoundsSize() {
        let evaluation = Evaluation.evaluate(
            resurvey: Self.npsResurvey, baseline: .round([]), scale: .nps, target: 30, minimumSampleSize: 10
        )
        #expect(evaluation.outcome == .goalMet)
        #expect(evaluation.comparison == nil)
        #expect(evaluation.summary == "Goal met: NPS is 30.0 (n = 100), at or above the target of 30.0.")
    }

    /// An empty re-survey is never a verdict, even with a minimum of 0.
    @Test func anEmptyResurveyIsInsufficientDataEvenWithoutAMinimum() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyResponses([nil, nil]), baseline: .fixed(0), scale: .nps, target: -100, minimumSampleSize: 0
        )
        #expect(evaluation.outcome == .insufficientData)
        #expect(evaluation.currentValue == nil)
        #expect(evaluation.minimumSampleSize == 1)
    }

    /// Single answers meet a minimum of 1 but a mean cannot be compared with n = 1.
    @Test func meansThatCannotBeComparedAreInsufficientData() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyResponses([3]), baseline: .round(surveyResponses([5])), scale: .ces,
            target: 6, minimumSampleSize: 1
        )
        #expect(evaluation.outcome == .insufficientData)
        #expect(evaluation.summary == "Insufficient data: the re-survey has 1 answered response and the baseline round 1, "
            + "too few to compare the CES mean (means need at least 2 answers per round).")
    }

    /// 60/100 satisfied against a fixed 50 % (the goal's starting point): z = 2, p = 0.0455,
    /// significant, but below the 70 % target.
    @Test func aFixedBaselineIsTestedWithTheOneSampleTest() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyRound([(4, 60), (3, 40)]), baseline: .fixed(50), scale: .csat,
            target: 70, minimumSampleSize: 30
        )
        #expect(evaluation.outcome == .improved)
        #expect(evaluation.baselineRound == nil)
        #expect(evaluation.comparison?.test == .oneProportionZ)
        #expect(evaluation.summary == "Improved, not yet at target: CSAT rose from 50.0 % (fixed baseline) to 60.0 % (n = 100), "
            + "+10.0 pp (95 % CI +0.2 pp to +19.1 pp, p = 0.0455); the target is 70.0 %.")
    }

    @Test func customMeansAgainstAFixedValueUseTheOneSampleT() {
        let evaluation = Evaluation.evaluate(
            resurvey: surveyResponses([4, 5, 6, 5, 5]), baseline: .fixed(4), scale: .custom(min: 1, max: 7, good: 5),
            target: 6, minimumSampleSize: 5
        )
        #expect(evaluation.outcome == .improved)
        #expect(evaluation.comparison?.test == .oneSampleT)
    }

    @Test func evaluationsRoundTripThroughJSON() throws {
        let evaluation = Evaluation.evaluate(
            resurvey: Self.npsResurvey, baseline: .round(Self.npsBaseline), scale: .nps, target: 40, minimumSampleSize: 50
        )
        let data = try JSONEncoder().encode(evaluation)
        #expect(try JSONDecoder().decode(Evaluation.self, from: data) == evaluation)
    }
}
