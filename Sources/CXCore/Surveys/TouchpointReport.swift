import Foundation

/// How many responses expressed each emotion. `unspecified` counts responses without one.
public struct EmotionCounts: Codable, Sendable, Equatable, Hashable {
    public var positive = 0
    public var neutral = 0
    public var negative = 0
    public var unspecified = 0

    public init(positive: Int = 0, neutral: Int = 0, negative: Int = 0, unspecified: Int = 0) {
        self.positive = positive
        self.neutral = neutral
        self.negative = negative
        self.unspecified = unspecified
    }

    /// Counts every response once, whether or not it has a score.
    public init(_ responses: [SurveyResponse]) {
        self.init()
        for response in responses {
            switch response.emotion {
            case .positive: positive += 1
            case .neutral: neutral += 1
            case .negative: negative += 1
            case nil: unspecified += 1
            }
        }
    }

    /// All responses counted.
    public var total: Int { positive + neutral + negative + unspecified }

    /// Both counts together.
    public static func + (lhs: EmotionCounts, rhs: EmotionCounts) -> EmotionCounts {
        EmotionCounts(
            positive: lhs.positive + rhs.positive, neutral: lhs.neutral + rhs.neutral, negative: lhs.negative + rhs.negative,
            unspecified: lhs.unspecified + rhs.unspecified)
    }
}

/// One touchpoint's share of a round.
public struct TouchpointBreakdown: Codable, Sendable, Equatable, Hashable {
    public var touchpoint: String
    /// The metric over the answered responses tagged with this touchpoint.
    public var metric: MetricResult
    /// Emotions over all responses tagged with this touchpoint (answered or not).
    public var emotions: EmotionCounts
    /// Responses at this touchpoint that call for a follow-up (`SurveyScale.isDetractor`).
    public var detractors: Int
}

/// A round's metric overall and per touchpoint.
///
/// Denominators: `overall` uses every response of the round (tagged or not); each
/// touchpoint uses only the responses tagged with it; responses without a touchpoint appear
/// only in `overall` and are counted in `untagged`. Within each group the metric's own rule
/// applies (answered responses with a score on the scale).
public struct TouchpointReport: Codable, Sendable, Equatable, Hashable {
    public var overall: MetricResult
    public var overallEmotions: EmotionCounts
    public var overallDetractors: Int
    /// One entry per touchpoint id seen, sorted by id.
    public var touchpoints: [TouchpointBreakdown]
    /// Responses without a touchpoint.
    public var untagged: Int

    /// Aggregates `responses` measured on `scale` (tallies them, then reads the tally).
    public init(responses: [SurveyResponse], scale: SurveyScale) {
        self.init(tally: RoundTally(responses), scale: scale)
    }

    /// Aggregates a round's tally measured on `scale`: the one implementation, so a round's
    /// report never needs its answers.
    public init(tally: RoundTally, scale: SurveyScale) {
        let overallTally = tally.overall
        overall = SurveyMetrics.measure(overallTally, on: scale)
        overallEmotions = overallTally.emotions
        overallDetractors = overallTally.detractors(on: scale)
        untagged = tally.untagged.total
        touchpoints = tally.touchpoints.keys.sorted().compactMap { id in
            guard let group = tally.touchpoints[id], group.total > 0 else { return nil }
            return TouchpointBreakdown(
                touchpoint: id,
                metric: SurveyMetrics.measure(group, on: scale),
                emotions: group.emotions,
                detractors: group.detractors(on: scale)
            )
        }
    }

    /// The breakdown for `touchpoint`, if any response mentioned it.
    public func breakdown(for touchpoint: String) -> TouchpointBreakdown? {
        touchpoints.first { $0.touchpoint == touchpoint }
    }
}

extension SurveyScale {
    /// The responses that call for a follow-up, in their original order.
    public func detractors(in responses: [SurveyResponse]) -> [SurveyResponse] {
        responses.filter { isDetractor($0) }
    }
}
