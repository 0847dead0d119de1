@testable import CXCore
import Foundation
import PropertyBased
import Testing

/// Local times by arithmetic (`TimeZone+LocalTime.swift`) against Foundation's `Calendar` and
/// `DateFormatter`, in every zone the system knows.
@Suite("Local times agree with Foundation in every zone")
struct LocalTimeTests {
    static let zones = TimeZone.knownTimeZoneIdentifiers.compactMap(TimeZone.init(identifier:))

    /// Clock changes from 1900 to 2100, per zone.
    static func clockChanges(in zone: TimeZone) -> [Date] {
        var changes: [Date] = []
        var cursor = Date(timeIntervalSince1970: -2_208_988_800)
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 4_102_444_800 {
            changes.append(next)
            cursor = next
        }
        return changes
    }

    static func gregorian(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The arithmetic trusts a window around a local time to hold at most one clock change and
    /// to be wider than any offset from UTC; the time zone database must keep it so.
    @Test func clockChangesAreFarApartInEveryZone() {
        let span = TimeInterval(24 * 3600 + 2 * TimeZone.dayEndWindow)
        for zone in Self.zones {
            let changes = Self.clockChanges(in: zone)
            for (earlier, later) in zip(changes, changes.dropFirst()) {
                #expect(later.timeIntervalSince(earlier) > span, "\(zone.identifier): clock changes at \(earlier) and \(later)")
            }
            for instant in [Date(timeIntervalSince1970: -2_208_988_800)] + changes {
                #expect(abs(zone.secondsFromGMT(for: instant)) < TimeZone.offsetWindow - 3600, "\(zone.identifier) at \(instant)")
            }
        }
    }

    /// An instant: zone index, a clock change of that zone (or none), minutes from it or seconds
    /// since 1970 (1800–2200), and a fraction of a second that likes the edges of a second.
    static let instants = zip(
        Gen.int(in: 0...(zones.count - 1)),
        Gen.int(in: 0...400).optional(valueRate: 0.7),
        Gen.int(in: -3000...3000),
        Gen.int(in: -5_364_662_400...7_258_118_400),
        Gen.int(in: 0...7))

    static let fractions = [0, 0.25, 0.5, 0.998, 0.9985, 0.9995, 0.99999, 0.0004]

    static func instant(_ input: (Int, Int?, Int, Int, Int)) -> (TimeZone, Date) {
        let zone = zones[input.0]
        var seconds = TimeInterval(input.3)
        if let pick = input.1 {
            let changes = clockChanges(in: zone)
            if !changes.isEmpty {
                seconds = changes[pick % changes.count].timeIntervalSince1970 + TimeInterval(input.2 * 60)
            }
        }
        return (zone, Date(timeIntervalSince1970: seconds + fractions[input.4]))
    }

    @Test func localDateAndMinuteMatchTheCalendar() async {
        await propertyCheck(count: 3000, input: Self.instants) { input in
            let (zone, instant) = Self.instant(input)
            let parts = Self.gregorian(zone).dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            let expected = (LocalDate(year: parts.year!, month: parts.month!, day: parts.day!), parts.hour! * 60 + parts.minute!)
            #expect(zone.localDateAndMinutes(of: instant) == expected, "\(instant) in \(zone.identifier)")
        }
    }

    @Test func localTimesBecomeTheCalendarsInstants() async {
        await propertyCheck(count: 3000, input: Self.instants, Gen.int(in: -30...(24 * 60 + 30))) { input, minutes in
            let (zone, instant) = Self.instant(input)
            let calendar = Self.gregorian(zone)
            let parts = calendar.dateComponents([.year, .month, .day], from: instant)
            let date = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
            let midnight = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
            let expected = minutes >= 24 * 60
                ? calendar.date(byAdding: .day, value: 1, to: midnight)!
                : calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: minutes / 60, minute: minutes % 60))!
            #expect(zone.instant(on: date, atMinutes: minutes) == expected, "\(date) +\(minutes)m in \(zone.identifier)")
        }
    }

    @Test func minuteTextIsWhatTheDateFormatterPrints() async {
        await propertyCheck(count: 3000, input: Self.instants) { input in
            let (zone, instant) = Self.instant(input)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            #expect(zone.minuteText(of: instant) == formatter.string(from: instant), "\(instant.timeIntervalSince1970) in \(zone.identifier)")
        }
    }

    @Test func minuteTextOfKnownInstants() {
        let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!, london = TimeZone(identifier: "Europe/London")!
        #expect(hanoi.minuteText(of: Date(timeIntervalSince1970: 1_796_639_400)) == "2026-12-07 17:30")
        #expect(london.minuteText(of: Date(timeIntervalSince1970: 1_774_746_000)) == "2026-03-29 02:00")
        // Half a millisecond before a minute rounds up, as the formatter does.
        #expect(london.minuteText(of: Date(timeIntervalSince1970: 1_774_745_999.9996)) == "2026-03-29 02:00")
        #expect(london.minuteText(of: Date(timeIntervalSince1970: 1_774_745_999.999)) == "2026-03-29 00:59")
    }
}
