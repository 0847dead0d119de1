import Foundation

/// Working days, working hours and holidays: the rules deadlines and reminder delivery follow.
/// Every function takes the time zone of the person concerned; nothing reads a clock.
public struct WorkCalendar: Codable, Sendable, Equatable {
    /// ISO weekdays that are working days (1 = Monday … 7 = Sunday).
    public var workingDays: Set<Int>
    public var dayStart: TimeOfDay
    public var dayEnd: TimeOfDay
    public var holidays: Set<LocalDate>

    public init(
        workingDays: Set<Int> = [1, 2, 3, 4, 5],
        dayStart: TimeOfDay = TimeOfDay(hour: 9),
        dayEnd: TimeOfDay = TimeOfDay(hour: 17),
        holidays: Set<LocalDate> = []
    ) {
        self.workingDays = workingDays
        self.dayStart = dayStart
        self.dayEnd = dayEnd
        self.holidays = holidays
    }

    public func isWorkingDay(_ date: LocalDate) -> Bool {
        workingDays.contains(date.isoWeekday) && !holidays.contains(date)
    }

    /// The deadline of a step that starts at `start` and lasts `duration`, for an owner in `zone`.
    ///
    /// Minutes and hours are elapsed time. Day-based durations end at the end of the owner's
    /// working day: `3d` on the third calendar day (moved to the next working day if that is
    /// not one), `5bd` on the fifth working day after the start date.
    public func deadline(from start: Date, lasting duration: WorkDuration, in zone: TimeZone) -> Date {
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

    /// `instant` moved by `duration` (backwards when `sign` is -1), keeping the local time of
    /// day for calendar units. Used for reminder offsets and repeat intervals.
    public func moving(_ instant: Date, by duration: WorkDuration, sign: Int = 1, in zone: TimeZone) -> Date {
        if let seconds = duration.elapsedSeconds {
            return instant.addingTimeInterval(TimeInterval(sign * seconds))
        }
        let (date, minutes) = localDateAndMinutes(of: instant, in: zone)
        let target: LocalDate
        switch duration.unit {
        case .days: target = date.adding(days: sign * duration.amount)
        case .weeks: target = date.adding(days: sign * 7 * duration.amount)
        case .businessDays:
            target = workingDay(duration.amount, from: date, direction: sign)
        case .seconds, .minutes, .hours: preconditionFailure("elapsed units are handled above")
        }
        let moved = self.instant(on: target, atMinutes: minutes, in: zone)
        // A DST gap can push a local time past the original instant; never go the wrong way.
        return sign > 0 ? max(moved, instant) : min(moved, instant)
    }

    /// The first instant at or after `instant` that lies inside working hours in `zone`:
    /// reminders due at night are delivered the next working morning.
    public func deliveryTime(atOrAfter instant: Date, in zone: TimeZone) -> Date {
        let (date, minutes) = localDateAndMinutes(of: instant, in: zone)
        if isWorkingDay(date) {
            if minutes < dayStart.minutes { return self.instant(on: date, at: dayStart, in: zone) }
            if minutes < dayEnd.minutes { return instant }
        }
        let next = nextWorkingDay(onOrAfter: date.adding(days: 1))
        return self.instant(on: next, at: dayStart, in: zone)
    }

    // MARK: - Local dates

    public func localDate(of instant: Date, in zone: TimeZone) -> LocalDate {
        localDateAndMinutes(of: instant, in: zone).0
    }

    func localDateAndMinutes(of instant: Date, in zone: TimeZone) -> (LocalDate, Int) {
        let parts = Self.calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return (LocalDate(year: parts.year!, month: parts.month!, day: parts.day!), parts.hour! * 60 + parts.minute!)
    }

    /// The instant of local `time` on `date` in `zone`; a time inside a DST gap moves forward.
    public func instant(on date: LocalDate, at time: TimeOfDay, in zone: TimeZone) -> Date {
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

    /// Working days are validated to be non-empty at load time; the bound only guards a
    /// calendar whose every day is a holiday for ten years.
    func nextWorkingDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        for _ in 0..<3700 where !isWorkingDay(day) {
            day = day.adding(days: 1)
        }
        return day
    }

    /// The `count`-th working day after `date` (`direction` 1) or before it (`direction` -1).
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
