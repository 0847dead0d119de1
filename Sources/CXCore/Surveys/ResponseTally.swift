import Foundation

/// What every survey metric needs from a group of answers, without the answers themselves:
/// how many gave each score, how many left the score blank, and the emotions they expressed.
///
/// NPS, CSAT and "% good" are counts of scores; a mean and its variance follow exactly from
/// the count per score. So a round of a million answers is summarised by a dozen numbers per
/// touchpoint, which the store keeps up to date as answers arrive.
public struct ResponseTally: Codable, Sendable, Equatable, Hashable {
    /// Answers per score, for every score given (on the scale or not).
    public var scores: [Int: Int]
    /// Answers seen without a score ("seen, not answered").
    public var unanswered: Int
    /// Emotions over every answer, scored or not.
    public var emotions: EmotionCounts
    /// Answers with a negative emotion, per score (a subset of `scores`): the one joint count
    /// the detractor rule needs, since an answer that is both a low score and negative is one
    /// detractor, not two (see `detractors(on:)`).
    public var negativeScores: [Int: Int]

    /// A tally from its counts. `negativeScores` must be given whenever `emotions.negative`
    /// counts scored answers, or `detractors(on:)` counts those answers twice; `add` keeps it
    /// up to date on its own.
    public init(
        scores: [Int: Int] = [:], unanswered: Int = 0, emotions: EmotionCounts = EmotionCounts(),
        negativeScores: [Int: Int] = [:]
    ) {
        self.scores = scores
        self.unanswered = unanswered
        self.emotions = emotions
        self.negativeScores = negativeScores
    }

    /// Tallies individual answers.
    public init(_ responses: some Sequence<SurveyResponse>) {
        self.init()
        for response in responses { add(score: response.score, emotion: response.emotion) }
    }

    /// Counts `count` answers with `score` (nil: unanswered) and `emotion`.
    public mutating func add(score: Int?, emotion: Emotion?, count: Int = 1) {
        if let score { scores[score, default: 0] += count } else { unanswered += count }
        switch emotion {
        case .positive: emotions.positive += count
        case .neutral: emotions.neutral += count
        case .negative:
            emotions.negative += count
            if let score { negativeScores[score, default: 0] += count }
        case nil: emotions.unspecified += count
        }
    }

    /// Answers that call for a follow-up on `scale` (`SurveyScale.isDetractor`): every
    /// negative answer, plus the other answers whose score is a detractor score on the scale.
    public func detractors(on scale: SurveyScale) -> Int {
        scores.reduce(emotions.negative) { sum, entry in
            guard scale.contains(entry.key), scale.isDetractorScore(entry.key) else { return sum }
            return sum + entry.value - negativeScores[entry.key, default: 0]
        }
    }

    /// Every answer counted, scored or not.
    public var total: Int { scores.values.reduce(unanswered, +) }

    /// Both groups together.
    public static func + (lhs: ResponseTally, rhs: ResponseTally) -> ResponseTally {
        var sum = lhs
        sum.scores.merge(rhs.scores, uniquingKeysWith: +)
        sum.unanswered += rhs.unanswered
        sum.negativeScores.merge(rhs.negativeScores, uniquingKeysWith: +)
        sum.emotions = sum.emotions + rhs.emotions
        return sum
    }
}

/// A round's answers tallied per touchpoint: what `TouchpointReport` and the round's metric
/// are computed from.
public struct RoundTally: Codable, Sendable, Equatable, Hashable {
    /// Answers tagged with a touchpoint, by touchpoint id.
    public var touchpoints: [String: ResponseTally]
    /// Answers without a touchpoint.
    public var untagged: ResponseTally

    public init(touchpoints: [String: ResponseTally] = [:], untagged: ResponseTally = ResponseTally()) {
        self.touchpoints = touchpoints
        self.untagged = untagged
    }

    /// Tallies individual answers.
    public init(_ responses: some Sequence<SurveyResponse>) {
        self.init()
        for response in responses { add(touchpoint: response.touchpoint, score: response.score, emotion: response.emotion) }
    }

    public mutating func add(touchpoint: String?, score: Int?, emotion: Emotion?, count: Int = 1) {
        if let touchpoint {
            touchpoints[touchpoint, default: ResponseTally()].add(score: score, emotion: emotion, count: count)
        } else {
            untagged.add(score: score, emotion: emotion, count: count)
        }
    }

    /// Every answer of the round, tagged or not.
    public var overall: ResponseTally {
        touchpoints.values.reduce(untagged, +)
    }

    /// Every answer counted.
    public var total: Int { overall.total }
}
