import Foundation

/// The verdict on one raw score: the integer it stands for, or why it was rejected. The reason
/// is a phrase meant to be embedded in import errors ("row 12: score 11 is outside …").
public enum ScoreValidation: Sendable, Equatable, Hashable {
    case valid(Int)
    case invalid(reason: String)

    /// The accepted score, or nil when rejected.
    public var score: Int? {
        if case .valid(let score) = self { return score }
        return nil
    }

    /// The rejection reason, or nil when accepted.
    public var reason: String? {
        if case .invalid(let reason) = self { return reason }
        return nil
    }
}

extension SurveyScale {
    /// Checks an integer score: it must lie within the scale (and the scale must be sound).
    public func validate(_ score: Int) -> ScoreValidation {
        if let problem { return .invalid(reason: problem) }
        guard score >= min, score <= max else {
            return .invalid(reason: "score \(score) is outside the \(name) (allowed \(min)–\(max))")
        }
        return .valid(score)
    }

    /// Checks a numeric score: it must be finite, a whole number, and within the scale.
    /// `7.0` is accepted as 7; `7.5` is rejected.
    public func validate(_ score: Double) -> ScoreValidation {
        guard score.isFinite else { return .invalid(reason: "score \(score) is not a finite number") }
        guard score.rounded() == score else {
            return .invalid(reason: "score \(score) is not a whole number")
        }
        guard score >= -9e18, score <= 9e18 else {
            return .invalid(reason: "score \(score) is outside the \(name) (allowed \(min)–\(max))")
        }
        return validate(Int(score))
    }

    /// Checks a score as written in a file: surrounding whitespace is ignored; the text must be
    /// an integer ("7"), or a decimal with a zero fraction ("7.0", as spreadsheets export),
    /// within the scale. Empty text is rejected: an unanswered question has no score at all
    /// rather than an invalid one, so callers should map blanks to `nil` before validating.
    public func validate(text: String) -> ScoreValidation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .invalid(reason: "score is empty") }
        if let integer = Int(trimmed) { return validate(integer) }
        if Self.isPlainDecimal(trimmed), let number = Double(trimmed) { return validate(number) }
        return .invalid(reason: "score \"\(trimmed)\" is not a number")
    }

    /// Digits with an optional sign and one decimal point: no exponents, hex, "nan" or "inf",
    /// which `Double(_:)` would otherwise accept.
    private static func isPlainDecimal(_ text: String) -> Bool {
        var body = Substring(text)
        if let first = body.first, first == "+" || first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return false }
        return parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
