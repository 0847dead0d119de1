import Foundation

/// Working days, working hours and holidays: the rules deadlines and reminder delivery follow.
/// Every function takes the time zone of the person concerned; nothing reads a clock.
///
/// Working days are found by arithmetic on a `WorkingDayIndex` built whenever the working days
/// or the holidays change, so a deadline costs the same whether it is one or 3,000 working days
/// away and however many holidays there are.
public struct WorkCalendar: Codable, Sendable, Equatable {
    /// ISO weekdays that are working days (1 = Monday … 7 = Sunday).
    public var workingDays: Set<Int> {
        didSet { index = WorkingDayIndex(workingDays: workingDays, holidays: holidays) }
    }
    public var dayStart: TimeOfDay
    public var dayEnd: TimeOfDay
    public var holidays: Set<LocalDate> {
        didSet { index = WorkingDayIndex(workingDays: workingDays, holidays: holidays) }
    }
    /// Derived from `workingDays` and `holidays`; neither encoded nor compared.
    private var index: WorkingDayIndex

    /// How far the search for a working day goes: a calendar whose every day is a holiday for ten
    /// years (or that has no working weekday) gives the day this far away.
    static let searchLimit = 3700

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
        index = WorkingDayIndex(workingDays: workingDays, holidays: holidays)
    }

    private enum CodingKeys: String, CodingKey {
        case workingDays, dayStart, dayEnd, holidays
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            workingDays: try container.decode(Set<Int>.self, forKey: .workingDays),
            dayStart: try container.decode(TimeOfDay.self, forKey: .dayStart),
            dayEnd: try container.decode(TimeOfDay.self, forKey: .dayEnd),
            holidays: try container.decode(Set<LocalDate>.self, forKey: .holidays))
    }

    public static func == (lhs: WorkCalendar, rhs: WorkCalendar) -> Bool {
        lhs.workingDays == rhs.workingDays && lhs.dayStart == rhs.dayStart && lhs.dayEnd == rhs.dayEnd
            && lhs.holidays == rhs.holidays
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

    /// The working time between two instants in `zone`: the parts of working hours on working
    /// days that lie between them (0 when `end` is not after `start`).
    public func workingTime(from start: Date, to end: Date, in zone: TimeZone) -> TimeInterval {
        guard end > start else { return 0 }
        var total: TimeInterval = 0
        var day = localDate(of: start, in: zone)
        let last = localDate(of: end, in: zone)
        var days = 0
        while day <= last && days <= Self.searchLimit {
            if let (open, close) = workingHours(on: day, in: zone) {
                let from = max(start, open), to = min(end, close)
                if to > from { total += to.timeIntervalSince(from) }
            }
            day = day.adding(days: 1)
            days += 1
        }
        return total
    }

    /// The start and end of working hours on `date` in `zone`; nil on a day off.
    private func workingHours(on date: LocalDate, in zone: TimeZone) -> (open: Date, close: Date)? {
        guard isWorkingDay(date) else { return nil }
        return (instant(on: date, at: dayStart, in: zone), instant(on: date, at: dayEnd, in: zone))
    }

    /// The instant at which `amount` of working time has passed since `start` in `zone`; it
    /// may be the end of a working day (a deadline keeps its whole last day).
    public func adding(workingTime amount: TimeInterval, to start: Date, in zone: TimeZone) -> Date {
        var remaining = amount
        var day = localDate(of: start, in: zone)
        for _ in 0...Self.searchLimit {
            if let (open, close) = workingHours(on: day, in: zone), close > max(start, open) {
                let from = max(start, open)
                let available = close.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(max(0, remaining)) }
                remaining -= available
            }
            day = day.adding(days: 1)
        }
        return start.addingTimeInterval(amount)
    }

    // MARK: - Local dates

    public func localDate(of instant: Date, in zone: TimeZone) -> LocalDate {
        zone.localDateAndMinutes(of: instant).0
    }

    func localDateAndMinutes(of instant: Date, in zone: TimeZone) -> (LocalDate, Int) {
        zone.localDateAndMinutes(of: instant)
    }

    /// The instant of local `time` on `date` in `zone`; a time inside a DST gap moves forward.
    public func instant(on date: LocalDate, at time: TimeOfDay, in zone: TimeZone) -> Date {
        zone.instant(on: date, atMinutes: time.minutes)
    }

    func instant(on date: LocalDate, atMinutes minutes: Int, in zone: TimeZone) -> Date {
        zone.instant(on: date, atMinutes: minutes)
    }

    // MARK: - Working days

    /// The first working day on or after `date`.
    func nextWorkingDay(onOrAfter date: LocalDate) -> LocalDate {
        let day = date.dayNumber
        guard let next = index.workingDay(number: index.count(before: day)), next - day < Self.searchLimit else {
            return date.adding(days: Self.searchLimit)
        }
        return LocalDate(dayNumber: next)
    }

    /// The `count`-th working day after `date` (`direction` 1) or before it (`direction` -1).
    /// The search gives up `searchLimit + 7 * count` days away and returns that day.
    func workingDay(_ count: Int, from date: LocalDate, direction: Int) -> LocalDate {
        guard count > 0 else { return date }
        let limit = Self.searchLimit + count * 7
        let day = date.dayNumber
        let found: Int?
        switch direction {
        case 1: found = index.workingDay(number: index.count(before: day + 1) + count - 1)
        case -1: found = index.workingDay(number: index.count(before: day) - count)
        case 0: return date.adding(days: 0)
        default: return steppingWorkingDay(count, from: date, by: direction, limit: limit)
        }
        guard let found, abs(found - day) <= limit else { return date.adding(days: direction * limit) }
        return LocalDate(dayNumber: found)
    }

    /// `workingDay` for strides longer than a day (no caller uses them): a walk that looks at
    /// every `stride`-th day.
    private func steppingWorkingDay(_ count: Int, from date: LocalDate, by stride: Int, limit: Int) -> LocalDate {
        var day = date
        var remaining = count
        var steps = 0
        while remaining > 0 && steps < limit {
            day = day.adding(days: stride)
            if isWorkingDay(day) { remaining -= 1 }
            steps += 1
        }
        return day
    }
}
