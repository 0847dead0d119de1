import CXCore
import Foundation
import Testing

@Suite("Durations and the working calendar")
struct WorkCalendarTests {
    let calendar = WorkCalendar(holidays: [LocalDate(year: 2026, month: 12, day: 25)])

    @Test(arguments: [
        ("4h", WorkDuration.hours(4)), ("3d", .days(3)), ("2w", .weeks(2)), ("5bd", .businessDays(5)),
        ("90m", .minutes(90)), (" 1d ", .days(1)),
    ])
    func parsesDurations(text: String, expected: WorkDuration) {
        #expect(WorkDuration(parsing: text) == expected)
    }

    @Test(arguments: ["", "soon", "0d", "-1h", "3x", "1.5d", "d", "5 bd", "99999999d", "4H"])
    func rejectsMalformedDurations(text: String) {
        #expect(WorkDuration(parsing: text) == nil)
    }

    @Test func fiveBusinessDaysFromFridayAfternoonEndNextFriday() {
        // Friday 2026-12-04 15:00 in Hanoi (08:00Z).
        let start = Fixture.date("2026-12-04T08:00:00Z")
        let due = calendar.deadline(from: start, lasting: .businessDays(5), in: Fixture.hanoi)
        #expect(due == Fixture.date("2026-12-11T10:00:00Z"))  // Friday 17:00 Hanoi
    }

    @Test func businessDaysSkipHolidays() {
        // Tuesday 2026-12-22; Friday the 25th is a holiday.
        let start = Fixture.date("2026-12-22T03:00:00Z")
        let due = calendar.deadline(from: start, lasting: .businessDays(3), in: Fixture.hanoi)
        #expect(due == Fixture.date("2026-12-28T10:00:00Z"))  // Wed, Thu, (Fri holiday), Mon
    }

    @Test func calendarDaysThatEndOnAWeekendMoveToMonday() {
        // Thursday 2026-12-03 + 3d = Sunday → Monday 17:00.
        let due = calendar.deadline(from: Fixture.date("2026-12-03T02:00:00Z"), lasting: .days(3), in: Fixture.hanoi)
        #expect(due == Fixture.date("2026-12-07T10:00:00Z"))
    }

    @Test func hoursAreElapsedTime() {
        let start = Fixture.date("2026-12-04T08:00:00Z")
        #expect(calendar.deadline(from: start, lasting: .hours(48), in: Fixture.hanoi) == Fixture.date("2026-12-06T08:00:00Z"))
    }

    @Test func deadlinesAcrossTheSpringDSTChangeEndAtLocalEndOfDay() {
        // London: clocks go forward on Sunday 2027-03-28. Friday 10:00 GMT + 3d → Monday 17:00 BST.
        let due = calendar.deadline(from: Fixture.date("2027-03-26T10:00:00Z"), lasting: .days(3), in: Fixture.london)
        #expect(due == Fixture.date("2027-03-29T16:00:00Z"))
        // 1bd across the autumn change (Sunday 2027-10-31): Friday → Monday 17:00 GMT.
        let autumn = calendar.deadline(from: Fixture.date("2027-10-29T09:00:00Z"), lasting: .businessDays(1), in: Fixture.london)
        #expect(autumn == Fixture.date("2027-11-01T17:00:00Z"))
    }

    @Test func remindersAtNightAreDeliveredTheNextWorkingMorning() {
        // Friday 2026-12-04 20:00 Hanoi → Monday 09:00 Hanoi.
        let night = calendar.deliveryTime(atOrAfter: Fixture.date("2026-12-04T13:00:00Z"), in: Fixture.hanoi)
        #expect(night == Fixture.date("2026-12-07T02:00:00Z"))
        // Early morning → same day 09:00; inside hours → unchanged; the end of the day is outside.
        #expect(calendar.deliveryTime(atOrAfter: Fixture.date("2026-12-07T00:00:00Z"), in: Fixture.hanoi) == Fixture.date("2026-12-07T02:00:00Z"))
        #expect(calendar.deliveryTime(atOrAfter: Fixture.date("2026-12-07T05:00:00Z"), in: Fixture.hanoi) == Fixture.date("2026-12-07T05:00:00Z"))
        #expect(calendar.deliveryTime(atOrAfter: Fixture.date("2026-12-07T10:00:00Z"), in: Fixture.hanoi) == Fixture.date("2026-12-08T02:00:00Z"))
        // Christmas Eve evening → the 25th is a holiday → Monday 28th.
        #expect(calendar.deliveryTime(atOrAfter: Fixture.date("2026-12-24T12:00:00Z"), in: Fixture.hanoi) == Fixture.date("2026-12-28T02:00:00Z"))
    }

    @Test func movingBackByBusinessDaysKeepsTheTimeOfDay() {
        // Monday 2026-12-07 17:00 Hanoi − 2bd = Thursday 2026-12-03 17:00.
        let moved = calendar.moving(Fixture.date("2026-12-07T10:00:00Z"), by: .businessDays(2), sign: -1, in: Fixture.hanoi)
        #expect(moved == Fixture.date("2026-12-03T10:00:00Z"))
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "tomorrow", "2026-04-31"])
    func rejectsImpossibleDates(text: String) {
        #expect(LocalDate(parsing: text) == nil)
    }

    @Test func acceptsLeapDays() {
        #expect(LocalDate(parsing: "2028-02-29") == LocalDate(year: 2028, month: 2, day: 29))
        #expect(LocalDate(year: 2028, month: 2, day: 29).isoWeekday == 2)
    }
}

@Suite("Calendar dates")
struct LocalDateTests {
    @Test func dayArithmeticMatchesFoundationOverFourCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var date = calendar.date(from: DateComponents(year: 1900, month: 1, day: 1, hour: 12))!
        var local = LocalDate(year: 1900, month: 1, day: 1)
        for _ in 0..<(400 * 366) where local.year < 2300 {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            #expect(local == LocalDate(year: parts.year!, month: parts.month!, day: parts.day!))
            #expect(local.isoWeekday == (parts.weekday! == 1 ? 7 : parts.weekday! - 1))
            date = calendar.date(byAdding: .day, value: 1, to: date)!
            local = local.adding(days: 1)
        }
    }
}

@Suite("Working time")
struct WorkingTimeTests {
    let calendar = WorkCalendar(holidays: [LocalDate(year: 2026, month: 12, day: 25)])  // 09:00–17:00, Mon–Fri
    let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    func at(_ text: String) -> Date { Timestamp.parse(text + ":00+07:00")! }

    @Test func countsOnlyWorkingHoursOfWorkingDays() {
        #expect(calendar.workingTime(from: at("2026-12-04T16:00"), to: at("2026-12-08T17:00"), in: hanoi) == 17 * 3600)
        #expect(calendar.workingTime(from: at("2026-12-05T10:00"), to: at("2026-12-06T20:00"), in: hanoi) == 0)  // a weekend
        #expect(calendar.workingTime(from: at("2026-12-24T12:00"), to: at("2026-12-28T10:00"), in: hanoi) == 6 * 3600)  // Christmas off
        #expect(calendar.workingTime(from: at("2026-12-08T17:00"), to: at("2026-12-04T16:00"), in: hanoi) == 0)
    }

    @Test func addingEndsAtTheEndOfADayWhenTheTimeRunsOutThere() {
        #expect(calendar.adding(workingTime: 8 * 3600, to: at("2026-12-05T22:00"), in: hanoi) == at("2026-12-07T17:00"))
        #expect(calendar.adding(workingTime: 17 * 3600, to: at("2026-12-05T22:00"), in: hanoi) == at("2026-12-09T10:00"))
        #expect(calendar.adding(workingTime: 0, to: at("2026-12-05T22:00"), in: hanoi) == at("2026-12-07T09:00"))
        #expect(calendar.adding(workingTime: 3600, to: at("2026-12-24T16:30"), in: hanoi) == at("2026-12-28T09:30"))
    }

    @Test func addingWhatWasCountedGivesBackTheEnd() {
        let start = at("2026-12-01T09:00")
        for hours in stride(from: 1, through: 200, by: 7) {
            let end = calendar.adding(workingTime: TimeInterval(hours * 3600), to: start, in: hanoi)
            #expect(calendar.workingTime(from: start, to: end, in: hanoi) == TimeInterval(hours * 3600))
        }
    }
}
