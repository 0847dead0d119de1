import CXCore
import Foundation

/// The working calendar as it was first written: a day-by-day walk that asks, for each day,
/// whether it is a working day, and Foundation's `Calendar` for every local date and instant.
/// It is slow but obviously right, so `WorkCalendarDifferentialTests` checks the fast
/// `WorkCalendar` against it. The only change from the original is that `nextWorkingDay`
/// stops at the first working day (the original's `for … where` kept iterating without
/// moving: same result, 3,700 checks per call).
struct ReferenceWorkCalendar {
    var workingDays: Set<Int>
    var dayStart: TimeOfDay
    var dayEnd: TimeOfDay
    var holidays: Set<LocalDate>

    init(_ calendar: WorkCalendar) {
        workingDays = calendar.workingDays
        dayStart = calendar.dayStart
        dayEnd = calendar.dayEnd
        holidays = calendar.holidays
    }

    func isWorkingDay(_ date: LocalDate) -> Bool {
        workingDays.contains(date.isoWeekday) && !holidays.contains(date)
    }

    func deadline(from start: Date, lasting duration: WorkDuration, in zone: TimeZone) -> Date {
        if let seconds = duration.elapsedSeconds {
            return start.addingTimeInterval(TimeInterval(seconds))
        }
        let startDate = localDate(of: start, in: zone)
        var day: LocalDate
        switch duration.unit {
        case .days: day = nextWorkingDay(onOrAfter: startDate.adding(days: duration.amount))
        case .weeks: day = nextWorkingDay(onOrAfter: startDate.adding(days: 7 * duration.amount))
        case .businessDays: day = workingDay(duration.amount, from: startDate, direction: 1)
        case .seconds, .minutes, .hours: preconditionFailure("elapsed units are handled above")
        }
        return instant(on: day, at: dayEnd, in: zone)
    }

    func moving(_ instant: Date, by duration: WorkDuration, sign: Int = 1, in zone: TimeZone) -> Date {
        if let seconds = duration.elapsedSeconds {
            return instant.addingTimeInterval(TimeInterval(sign * seconds))
        }
        let (date, minutes) = localDateAndMinutes(of: instant, in: zone)
        let target: LocalDate
        switch duration.unit {
        case .days: target = date.adding(days: sign * duration.amount)
        case .weeks: target = date.adding(days: sign * 7 * duration.amount)
        case .businessDays: target = workingDay(duration.amount, from: date, direction: sign)
        case .seconds, .minutes, .hours: preconditionFailure("elapsed units are handled above")
        }
        let moved = self.instant(on: target, atMinutes: minutes, in: zone)
        return sign > 0 ? max(moved, instant) : min(moved, instant)
    }

    func deliveryTime(atOrAfter instant: Date, in zone: TimeZone) -> Date {
        let (date, minutes) = localDateAndMinutes(of: instant, in: zone)
        if isWorkingDay(date) {
            if minutes < dayStart.minutes { return self.instant(on: date, at: dayStart, in: zone) }
            if minutes < dayEnd.minutes { return instant }
        }
        let next = nextWorkingDay(onOrAfter: date.adding(days: 1))
        return self.instant(on: next, at: dayStart, in: zone)
    }

    func localDate(of instant: Date, in zone: TimeZone) -> LocalDate {
        localDateAndMinutes(of: instant, in: zone).0
    }

    func localDateAndMinutes(of instant: Date, in zone: TimeZone) -> (LocalDate, Int) {
        let parts = Self.calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return (LocalDate(year: parts.year!, month: parts.month!, day: parts.day!), parts.hour! * 60 + parts.minute!)
    }

    func instant(on date: LocalDate, at time: TimeOfDay, in zone: TimeZone) -> Date {
        instant(on: date, atMinutes: time.minutes, in: zone)
    }

    func instant(on date: LocalDate, atMinutes minutes: Int, in zone: TimeZone) -> Date {
        let calendar = Self.calendar(zone)
        let midnight = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
        if minutes >= 24 * 60 {
            return calendar.date(byAdding: .day, value: 1, to: midnight)!
        }
        let components = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: minutes / 60, minute: minutes % 60)
        return calendar.date(from: components)
            ?? midnight.addingTimeInterval(TimeInterval(minutes * 60))
    }

    func nextWorkingDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        for _ in 0..<3700 {
            if isWorkingDay(day) { break }
            day = day.adding(days: 1)
        }
        return day
    }

    func workingDay(_ count: Int, from date: LocalDate, direction: Int) -> LocalDate {
        var day = date
        var remaining = count
        var steps = 0
        while remaining > 0 && steps < 3700 + count * 7 {
            day = day.adding(days: direction)
            if isWorkingDay(day) { remaining -= 1 }
            steps += 1
        }
        return day
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
