import Foundation

/// Wall-clock time in a zone by integer arithmetic on `secondsFromGMT(for:)`, instead of a
/// Gregorian `Calendar` built and consulted on every call. The answers are exactly Foundation's
/// (checked by `WorkCalendarDifferentialTests` and `LocalTimeTests`): the arithmetic runs only
/// where it provably agrees, and everything else — dates before 1901 or after 9998 (the Julian
/// calendar, far years), dates that do not exist, local times within a day of a clock change —
/// goes through `Calendar` as before.
extension TimeZone {
    /// Seconds from 1970-01-01 to 2001-01-01, Foundation's reference date.
    private static let referenceOffset = 978_307_200
    /// Local times are computed by arithmetic between 1901-01-01 and 9998-12-31.
    private static let arithmeticYears = 1901...9998
    private static let firstLocalSecond = LocalDate(year: 1901, month: 1, day: 1).dayNumber * 86_400
    private static let endLocalSecond = LocalDate(year: 9999, month: 1, day: 1).dayNumber * 86_400
    /// Farther than any offset from UTC (at most 14 h since 1900), nearer than half the distance
    /// between two clock changes of one zone (at least 166 h in the time zone database; checked
    /// by `LocalTimeTests.clockChangesAreFarApartInEveryZone`).
    static let offsetWindow = 20 * 3600
    /// `24:00` also depends on Foundation's day addition, which looks 48 h back for a clock change.
    static let dayEndWindow = 50 * 3600

    /// The local date of `instant` and its minute of the day (seconds dropped), as
    /// `Calendar.dateComponents` gives them: the offset at the instant, then the whole second below.
    func localDateAndMinutes(of instant: Date) -> (LocalDate, Int) {
        let local = (instant.timeIntervalSinceReferenceDate + Double(secondsFromGMT(for: instant))).rounded(.down)
        let first = Double(Self.firstLocalSecond - Self.referenceOffset), end = Double(Self.endLocalSecond - Self.referenceOffset)
        guard local >= first, local < end else {
            let parts = gregorian.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            return (LocalDate(year: parts.year!, month: parts.month!, day: parts.day!), parts.hour! * 60 + parts.minute!)
        }
        let seconds = Int(local) + Self.referenceOffset
        let day = seconds.floorDivided(by: 86_400)
        return (LocalDate(dayNumber: day), (seconds - day * 86_400) / 60)
    }

    /// The instant of `minutes` after local midnight on `date` (`24 * 60` and more: the next
    /// midnight). A time inside a DST gap moves forward by the gap; a repeated time is its
    /// first occurrence — `Calendar.date(from:)`'s rules.
    func instant(on date: LocalDate, atMinutes minutes: Int) -> Date {
        let day = date.dayNumber
        if Self.arithmeticYears.contains(date.year), LocalDate(dayNumber: day) == date, minutes >= 0 {
            let midnight = day * 86_400
            // With the same offset on both sides of the window there is no clock change inside
            // it, so the local time has exactly one instant and Foundation returns it.
            if minutes < 24 * 60 {
                let local = midnight + minutes * 60
                let offset = secondsFromGMT(atUnixSeconds: local - Self.offsetWindow)
                if offset == secondsFromGMT(atUnixSeconds: local + Self.offsetWindow) {
                    return Date(timeIntervalSince1970: TimeInterval(local - offset))
                }
            } else {
                let offset = secondsFromGMT(atUnixSeconds: midnight - Self.dayEndWindow)
                if offset == secondsFromGMT(atUnixSeconds: midnight + 86_400 + Self.dayEndWindow) {
                    return Date(timeIntervalSince1970: TimeInterval(midnight + 86_400 - offset))
                }
            }
        }
        let calendar = gregorian
        let midnight = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
        if minutes >= 24 * 60 {
            return calendar.date(byAdding: .day, value: 1, to: midnight)!
        }
        let components = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: minutes / 60, minute: minutes % 60)
        return calendar.date(from: components)
            ?? midnight.addingTimeInterval(TimeInterval(minutes * 60))
    }

    /// `2026-12-07 17:30`: `instant` to the minute in this zone, the text a `DateFormatter` with
    /// format `yyyy-MM-dd HH:mm` and locale `en_US_POSIX` prints — without building one.
    public func minuteText(of instant: Date) -> String {
        // The formatter rounds to the nearest millisecond, then drops the seconds; arithmetic
        // agrees whenever that rounding cannot reach the next second.
        let seconds = instant.timeIntervalSinceReferenceDate
        if seconds - seconds.rounded(.down) <= 0.998 {
            let (date, minutes) = localDateAndMinutes(of: instant)
            if Self.arithmeticYears.contains(date.year) {
                return "\(date) \(TimeOfDay(hour: 0, minute: minutes))"
            }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = self
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: instant)
    }

    private func secondsFromGMT(atUnixSeconds seconds: Int) -> Int {
        secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    private var gregorian: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self
        return calendar
    }
}
