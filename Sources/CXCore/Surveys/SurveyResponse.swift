import Foundation

/// The feeling a respondent expressed (tagged by hand or by the survey tool), used to count
/// emotions per touchpoint and to flag unhappy respondents whatever their score.
public enum Emotion: String, Codable, Sendable, Equatable, Hashable, CaseIterable {
    case positive
    case neutral
    case negative
}

/// One respondent's answer in a survey round.
public struct SurveyResponse: Codable, Sendable, Equatable, Hashable {
    /// Who answered (an opaque id from the survey tool or import file).
    public var respondent: String
    /// The score on the round's scale; nil when the question was left unanswered. Unanswered
    /// responses still count for emotions and follow-ups, never in a metric's denominator.
    public var score: Int?
    /// The journey touchpoint the answer is about, when the survey records one.
    public var touchpoint: String?
    /// The emotion expressed, when recorded.
    public var emotion: Emotion?

    public init(respondent: String, score: Int?, touchpoint: String? = nil, emotion: Emotion? = nil) {
        self.respondent = respondent
        self.score = score
        self.touchpoint = touchpoint
        self.emotion = emotion
    }
}

extension SurveyScale {
    /// Whether a response calls for a follow-up: its score is a detractor score on this scale
    /// (see `detractorCeiling`), or it expressed a negative emotion (whatever the score, even
    /// when unanswered). Scores outside the scale never make a detractor.
    public func isDetractor(_ response: SurveyResponse) -> Bool {
        if response.emotion == .negative { return true }
        guard let score = response.score, contains(score) else { return false }
        return isDetractorScore(score)
    }
}
