/// The working days of a calendar as arithmetic on day numbers: a weekly pattern plus a sorted
/// array of the holidays that fall on working weekdays. Finding the n-th working day before or
/// after a date costs a binary search over the holidays, however far away it is and however
/// many holidays lie in between; nothing walks day by day.
///
/// Days are numbered from 1970-01-01 (day 0, a Thursday). `count(before:)` numbers the working
/// days: the working day `x` has number `count(before: x)`.
struct WorkingDayIndex: Sendable, Hashable {
    /// Bit `r` is set when the day `r` days after a Thursday is a working weekday.
    private let weekMask: Int
    /// Working weekdays per week (0 when none is set).
    let perWeek: Int
    /// Day numbers of the holidays that fall on a working weekday, ascending, each once.
    /// Dates that do not exist (`2026-02-30`) match no day and are left out.
    private let holidays: [Int]

    init(workingDays: Set<Int>, holidays: Set<LocalDate>) {
        var mask = 0
        for offset in 0..<7 where workingDays.contains(Self.isoWeekday(offset: offset)) {
            mask |= 1 << offset
        }
        weekMask = mask
        perWeek = mask.nonzeroBitCount
        self.holidays = holidays.compactMap { date -> Int? in
            let day = date.dayNumber
            guard LocalDate(dayNumber: day) == date, mask & (1 << Self.weekOffset(of: day)) != 0 else { return nil }
            return day
        }.sorted()
    }

    /// ISO weekday (1 = Monday … 7 = Sunday) of the day `offset` days after a Thursday.
    private static func isoWeekday(offset: Int) -> Int { (offset + 3) % 7 + 1 }

    /// Days since the last Thursday on or before `day` (0…6).
    private static func weekOffset(of day: Int) -> Int { day - 7 * day.floorDivided(by: 7) }

    /// How many working days come before `day` (counted from day 0; negative before 1970).
    func count(before day: Int) -> Int {
        weekdayCount(before: day) - holidayCount(before: day)
    }

    /// The working day numbered `number` (see `count(before:)`); nil when no weekday works.
    func workingDay(number: Int) -> Int? {
        guard perWeek > 0 else { return nil }
        // The working day x numbered `number` has as many holidays before it as there are
        // holidays h with weekdayCount(before: h) - index(h) <= number: a prefix of the array,
        // because that quantity never decreases along it.
        var low = 0, high = holidays.count
        while low < high {
            let middle = (low + high) / 2
            if weekdayCount(before: holidays[middle]) - middle <= number { low = middle + 1 } else { high = middle }
        }
        return weekday(number: number + low)
    }

    /// Working weekdays (holidays or not) before `day`.
    private func weekdayCount(before day: Int) -> Int {
        let weeks = day.floorDivided(by: 7)
        let rest = day - 7 * weeks
        return weeks * perWeek + (weekMask & ((1 << rest) - 1)).nonzeroBitCount
    }

    /// Holidays (on working weekdays) before `day`.
    private func holidayCount(before day: Int) -> Int {
        var low = 0, high = holidays.count
        while low < high {
            let middle = (low + high) / 2
            if holidays[middle] < day { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The working weekday `x` with `weekdayCount(before: x) == number`; requires `perWeek > 0`.
    private func weekday(number: Int) -> Int {
        let weeks = number.floorDivided(by: perWeek)
        var remaining = number - weeks * perWeek
        for offset in 0..<7 where weekMask & (1 << offset) != 0 {
            if remaining == 0 { return 7 * weeks + offset }
            remaining -= 1
        }
        preconditionFailure("a week has \(perWeek) working weekdays")
    }
}

extension Int {
    /// Division rounding towards minus infinity (`-1.floorDivided(by: 7) == -1`).
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
