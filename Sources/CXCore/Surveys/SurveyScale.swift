import Foundation

/// The answer scale of a survey question. The scale decides which metric a round reports
/// (NPS, CSAT, CES or a custom mean), which scores count as "good", and which answers make a
/// respondent a detractor worth following up.
public enum SurveyScale: Codable, Sendable, Equatable, Hashable {
    /// Net Promoter Score, 0–10: promoters 9–10, passives 7–8, detractors 0–6.
    case nps
    /// Customer satisfaction, 1–5: the top two boxes (4–5) are satisfied.
    case csat
    /// Customer effort (agreement that "it was easy"), 1–7: 5–7 is good.
    case ces
    /// Any other integer scale from `min` to `max` where scores ≥ `good` count as good.
    case custom(min: Int, max: Int, good: Int)

    /// The lowest allowed score.
    public var min: Int {
        switch self {
        case .nps: 0
        case .csat, .ces: 1
        case .custom(let min, _, _): min
        }
    }

    /// The highest allowed score.
    public var max: Int {
        switch self {
        case .nps: 10
        case .csat: 5
        case .ces: 7
        case .custom(_, let max, _): max
        }
    }

    /// The lowest score that counts as good: NPS 9 (promoters), CSAT max − 1 (top two boxes),
    /// CES max − 2 (the top three of 1–7, i.e. 5–7), custom `good`.
    public var goodThreshold: Int {
        switch self {
        case .nps: 9
        case .csat: max - 1
        case .ces: max - 2
        case .custom(_, _, let good): good
        }
    }

    /// The highest score that makes a respondent a detractor for follow-ups:
    /// NPS 6 (0–6), CSAT min + 1 (the bottom two boxes, 1–2), CES min + 2 (the bottom three,
    /// 1–3).
    ///
    /// Custom scales mirror their good band: the good band `good...max` has
    /// `max − good + 1` scores, and the same number of scores at the bottom of the scale are
    /// detractors, i.e. scores ≤ min + (max − good), but never a good score itself (the
    /// ceiling is at most good − 1). This reproduces the CSAT and CES rules when a custom scale
    /// copies them (1–5 good 4 → 1–2; 1–7 good 5 → 1–3).
    public var detractorCeiling: Int {
        switch self {
        case .nps: 6
        case .csat: min + 1
        case .ces: min + 2
        case .custom(let min, let max, let good): Swift.min(min + (max - good), good - 1)
        }
    }

    /// The metric a round on this scale reports.
    public var metric: MetricKind {
        switch self {
        case .nps: .nps
        case .csat: .csat
        case .ces: .ces
        case .custom: .customMean
        }
    }

    /// A short human name for messages ("NPS scale", "custom scale").
    public var name: String {
        switch self {
        case .nps: "NPS scale"
        case .csat: "CSAT scale"
        case .ces: "CES scale"
        case .custom: "custom scale"
        }
    }

    /// Why this scale cannot be used, or nil when it is sound. Only custom scales can be
    /// malformed: they need min < max and min ≤ good ≤ max.
    public var problem: String? {
        guard case .custom(let min, let max, let good) = self else { return nil }
        if min >= max { return "a custom scale needs min < max, got \(min)–\(max)" }
        if good < min || good > max {
            return "the good threshold \(good) lies outside the scale \(min)–\(max)"
        }
        return nil
    }

    /// Whether `score` counts as good on this scale (score ≥ `goodThreshold`).
    public func isGood(_ score: Int) -> Bool { score >= goodThreshold }

    /// Whether `score` is a detractor score on this scale (score ≤ `detractorCeiling`).
    public func isDetractorScore(_ score: Int) -> Bool { score <= detractorCeiling }

    /// Whether `score` is an allowed answer (within min...max on a sound scale).
    public func contains(_ score: Int) -> Bool {
        problem == nil && score >= min && score <= max
    }
}
