@testable import CXCore
import Foundation
import PropertyBased
import Testing

/// The fast `WorkCalendar` gives exactly the answers of `ReferenceWorkCalendar` (the original
/// day-by-day walk on Foundation's `Calendar`) for random calendars, zones, instants and durations.
@Suite("Working calendar agrees with the day-by-day reference")
struct WorkCalendarDifferentialTests {
    /// Zones with DST at 02:00 (Berlin, New York, Dublin's negative DST), none (UTC, Hanoi,
    /// Kathmandu's +05:45), half-hour DST (Lord Howe), +12:45/+13:45 (Chatham), DST at midnight
    /// (Santiago), Ramadan changes (Casablanca), −03:30 (St John's), and a skipped day (Apia, 2011).
    static let zones = [
        "UTC", "Europe/Berlin", "America/New_York", "Asia/Ho_Chi_Minh", "Australia/Lord_Howe", "Pacific/Chatham",
        "America/Santiago", "Pacific/Apia", "Europe/Dublin", "Africa/Casablanca", "America/St_Johns", "Asia/Kathmandu",
    ].map { TimeZone(identifier: $0)! }

    /// Samoa skipped Friday 2011-12-30: 2011-12-29 24:00 −10:00 became 2011-12-31 00:00 +14:00.
    static let apiaSkippedDay = Date(timeIntervalSince1970: 1_325_239_200)

    /// The shape of a calendar: working weekdays as bits (0 = none, 64 = only Sunday), runs of
    /// holidays as (days after the instant's date, length), an optional long run, whether to add
    /// impossible dates (`2026-02-30`) to the holiday set, and working hours in minutes.
    static let shapes = zip(
        Gen.int(in: 0...127),
        zip(Gen.int(in: -60...400), Gen.int(in: 1...12)).array(of: 0...6),
        Gen.int(in: 300...4000).optional(valueRate: 0.08),
        Gen.bool(0.1),
        Gen.int(in: 0...1440),
        Gen.int(in: 0...1440))

    /// A moment: zone index, seconds since 1970 (2009–2035), minutes from the next DST change
    /// (nil: anywhere), and a fraction of a second in quarters.
    static let moments = zip(
        Gen.int(in: 0...(zones.count - 1)),
        Gen.int(in: 1_230_000_000...2_080_000_000),
        Gen.int(in: -2880...2880).optional(valueRate: 0.6),
        Gen.int(in: 0...3))

    /// A duration: unit index, a small amount, a large one, which of the two, and the sign.
    static let steps = zip(
        Gen.int(in: 0...(WorkDuration.Unit.allCases.count - 1)),
        Gen.int(in: 0...40),
        Gen.int(in: 0...3700),
        Gen.bool(0.15),
        Gen.bool())

    struct Scenario: CustomStringConvertible {
        var calendar: WorkCalendar
        var zone: TimeZone
        var instant: Date
        var duration: WorkDuration
        var sign: Int

        var description: String {
            let holidays = calendar.holidays.sorted()
            let shown = holidays.count > 20 ? "\(holidays.count) from \(holidays[0])" : "\(holidays)"
            return "days \(calendar.workingDays.sorted()) \(calendar.dayStart)–\(calendar.dayEnd) holidays \(shown) "
                + "zone \(zone.identifier) instant \(instant.timeIntervalSince1970) duration \(sign < 0 ? "-" : "")\(duration)"
        }
    }

    typealias Shape = (Int, [(Int, Int)], Int?, Bool, Int, Int)
    typealias Moment = (Int, Int, Int?, Int)
    typealias Step = (Int, Int, Int, Bool, Bool)

    static func scenario(_ shape: Shape, _ moment: Moment, _ step: Step) -> Scenario {
        let zone = zones[moment.0]
        var instant = Date(timeIntervalSince1970: TimeInterval(moment.1))
        if let minutes = moment.2 {
            let change = zone.nextDaylightSavingTimeTransition(after: instant)
                ?? (moment.0 == 7 ? apiaSkippedDay : instant)
            instant = change.addingTimeInterval(TimeInterval(minutes * 60))
        }
        instant = instant.addingTimeInterval(TimeInterval(moment.3) * 0.25)
        let base = LocalDate(dayNumber: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
        var holidays: Set<LocalDate> = []
        for (offset, length) in shape.1 {
            for day in 0..<length { holidays.insert(base.adding(days: offset + day)) }
        }
        if let length = shape.2 {
            for day in 0..<length { holidays.insert(base.adding(days: day - 30)) }
        }
        if shape.3 {
            holidays.insert(LocalDate(year: base.year, month: 2, day: 30))
            holidays.insert(LocalDate(year: base.year, month: 4, day: 31))
            holidays.insert(LocalDate(year: base.year, month: 13, day: 1))
        }
        let days = Set((1...7).filter { shape.0 & (1 << ($0 - 1)) != 0 })
        let calendar = WorkCalendar(
            workingDays: days, dayStart: TimeOfDay(hour: 0, minute: shape.4),
            dayEnd: TimeOfDay(hour: 0, minute: shape.5), holidays: holidays)
        let unit = WorkDuration.Unit.allCases[step.0]
        let amount = step.3 ? (unit == .weeks ? step.2 / 7 : step.2) : step.1
        return Scenario(calendar: calendar, zone: zone, instant: instant, duration: WorkDuration(amount, unit), sign: step.4 ? 1 : -1)
    }

    @Test func deadlinesRemindersAndDeliveryMatchTheReference() async {
        await propertyCheck(count: 1500, input: Self.shapes, Self.moments, Self.steps) { shape, moment, step in
            let s = Self.scenario(shape, moment, step)
            let fast = s.calendar, slow = ReferenceWorkCalendar(s.calendar)
            let zone = s.zone
            #expect(fast.deadline(from: s.instant, lasting: s.duration, in: zone)
                    == slow.deadline(from: s.instant, lasting: s.duration, in: zone), "deadline: \(s)")
            #expect(fast.moving(s.instant, by: s.duration, sign: s.sign, in: zone)
                    == slow.moving(s.instant, by: s.duration, sign: s.sign, in: zone), "moving: \(s)")
            #expect(fast.deliveryTime(atOrAfter: s.instant, in: zone)
                    == slow.deliveryTime(atOrAfter: s.instant, in: zone), "delivery: \(s)")
            let (date, minutes) = slow.localDateAndMinutes(of: s.instant, in: zone)
            #expect(fast.localDateAndMinutes(of: s.instant, in: zone) == (date, minutes), "local time: \(s)")
            #expect(fast.localDate(of: s.instant, in: zone) == date, "local date: \(s)")
            for time in [s.calendar.dayStart, s.calendar.dayEnd] {
                #expect(fast.instant(on: date, at: time, in: zone) == slow.instant(on: date, at: time, in: zone),
                        "instant at \(time): \(s)")
            }
        }
    }

    @Test func workingDayCountsMatchTheReference() async {
        await propertyCheck(count: 1500, input: Self.shapes, Self.moments, Self.steps) { shape, moment, step in
            let s = Self.scenario(shape, moment, step)
            let fast = s.calendar, slow = ReferenceWorkCalendar(s.calendar)
            let base = LocalDate(dayNumber: Int((s.instant.timeIntervalSince1970 / 86_400).rounded(.down)))
            for shift in [-31, -1, 0, 1, 2, 9, 45] {
                let day = base.adding(days: shift)
                #expect(fast.isWorkingDay(day) == slow.isWorkingDay(day), "working day \(day): \(s)")
                #expect(fast.nextWorkingDay(onOrAfter: day) == slow.nextWorkingDay(onOrAfter: day),
                        "next working day on or after \(day): \(s)")
            }
            let count = s.duration.amount
            for direction in [1, -1, 0, 2, -3] {
                #expect(fast.workingDay(count, from: base, direction: direction)
                        == slow.workingDay(count, from: base, direction: direction),
                        "\(count) working days from \(base) in direction \(direction): \(s)")
            }
        }
    }

    /// A run of holidays around ten years long: the search gives up at the same distance as the
    /// walk did (3,700 days, plus 7 per business day asked for), on both sides of the limit.
    @Test(arguments: 3690...3712)
    func searchesGiveUpAtTheSameDistanceAsTheWalk(length: Int) {
        let start = LocalDate(year: 2026, month: 3, day: 2)
        for weekdays in [Set(1...7), [1, 2, 3, 4, 5], [7], []] {
            let after = Set((1...length).map { start.adding(days: $0) })
            let before = Set((1...length).map { start.adding(days: -$0) })
            for holidays in [after, before, after.union([start])] {
                let fast = WorkCalendar(workingDays: weekdays, holidays: holidays), slow = ReferenceWorkCalendar(fast)
                for day in [start, start.adding(days: 1)] {
                    #expect(fast.nextWorkingDay(onOrAfter: day) == slow.nextWorkingDay(onOrAfter: day), "\(weekdays) \(length) \(day)")
                }
                for count in [1, 2, 3] {
                    for direction in [1, -1] {
                        #expect(fast.workingDay(count, from: start, direction: direction)
                                == slow.workingDay(count, from: start, direction: direction),
                                "\(weekdays) \(length): \(count) working days in direction \(direction)")
                    }
                }
            }
        }
    }

    /// Every five minutes of the local days around each clock change of 2024–2026 (and
    /// Apia's skipped day), as a local time and as an instant.
    @Test(arguments: zones)
    func localTimesAroundClockChangesMatchTheReference(zone: TimeZone) {
        let calendar = WorkCalendar(holidays: [LocalDate(year: 2025, month: 10, day: 27)])
        let slow = ReferenceWorkCalendar(calendar)
        var changes: [Date] = []
        var cursor = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 1_798_761_600 {
            changes.append(next)
            cursor = next
        }
        if zone.identifier == "Pacific/Apia" { changes.append(Self.apiaSkippedDay) }
        if changes.isEmpty { changes.append(Date(timeIntervalSince1970: 1_750_000_000)) }
        for change in changes {
            let day = slow.localDate(of: change, in: zone)
            for date in [day.adding(days: -1), day, day.adding(days: 1)] {
                for minutes in stride(from: 0, through: 24 * 60, by: 5) {
                    #expect(calendar.instant(on: date, atMinutes: minutes, in: zone)
                            == slow.instant(on: date, atMinutes: minutes, in: zone), "\(date) +\(minutes)m in \(zone.identifier)")
                }
            }
            for seconds in stride(from: -36 * 3600, through: 36 * 3600, by: 300) {
                let instant = change.addingTimeInterval(TimeInterval(seconds))
                #expect(calendar.localDateAndMinutes(of: instant, in: zone) == slow.localDateAndMinutes(of: instant, in: zone),
                        "local time of \(instant) in \(zone.identifier)")
                #expect(calendar.deliveryTime(atOrAfter: instant, in: zone) == slow.deliveryTime(atOrAfter: instant, in: zone),
                        "delivery of \(instant) in \(zone.identifier)")
                for duration in [WorkDuration.days(1), .weeks(1), .businessDays(1), .businessDays(3)] {
                    for sign in [1, -1] {
                        #expect(calendar.moving(instant, by: duration, sign: sign, in: zone)
                                == slow.moving(instant, by: duration, sign: sign, in: zone),
                                "\(instant) moved by \(sign < 0 ? "-" : "")\(duration) in \(zone.identifier)")
                    }
                }
            }
        }
    }
}
