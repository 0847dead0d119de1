/// A length of time as users write it: `30s`, `30m`, `4h`, `3d`, `2w`, `5bd` (business days).
///
/// Minutes and hours are elapsed time. Days and weeks are calendar days in the owner's time zone,
/// and business days skip weekends and holidays (`5bd` from a Friday afternoon is the next
/// Friday, not 120 hours later).
public struct WorkDuration: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Unit: String, Codable, Sendable, CaseIterable {
        case seconds = "s"
        case minutes = "m"
        case hours = "h"
        case days = "d"
        case weeks = "w"
        case businessDays = "bd"
    }

    public var amount: Int
    public var unit: Unit

    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    public static func minutes(_ n: Int) -> WorkDuration { WorkDuration(n, .minutes) }
    public static func hours(_ n: Int) -> WorkDuration { WorkDuration(n, .hours) }
    public static func days(_ n: Int) -> WorkDuration { WorkDuration(n, .days) }
    public static func weeks(_ n: Int) -> WorkDuration { WorkDuration(n, .weeks) }
    public static func businessDays(_ n: Int) -> WorkDuration { WorkDuration(n, .businessDays) }

    /// Parses `30s`, `90m`, `4h`, `3d`, `2w`, `5bd`. Returns nil for anything else, including zero
    /// and negative amounts and amounts above ten years.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace
        let digits = trimmed.prefix(while: \.isASCIIDigit)
        let suffix = trimmed.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 6, let amount = Int(digits), amount > 0,
              let unit = Unit(rawValue: String(suffix))
        else { return nil }
        let limit: Int
        switch unit {
        case .seconds: limit = 10 * 366 * 24 * 3600
        case .minutes: limit = 10 * 366 * 24 * 60
        case .hours: limit = 10 * 366 * 24
        case .days, .businessDays: limit = 10 * 366
        case .weeks: limit = 10 * 53
        }
        guard amount <= limit else { return nil }
        self.init(amount, unit)
    }

    public var description: String { "\(amount)\(unit.rawValue)" }

    /// Seconds for the elapsed-time units; nil for calendar units.
    public var elapsedSeconds: Int? {
        switch unit {
        case .seconds: return amount
        case .minutes: return amount * 60
        case .hours: return amount * 3600
        case .days, .weeks, .businessDays: return nil
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return String(self[start..<Swift.max(start, end)])
    }
}
