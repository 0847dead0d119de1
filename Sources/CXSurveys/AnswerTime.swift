import CXCore
import Foundation

/// When an answer was given, parsed from its bytes by hand (a `DateFormatter` or format style
/// per row was 8 % of an import): ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z` or an
/// offset (`+07:00`, `+0700`, `+07`), or a plain date `YYYY-MM-DD`, which is midnight in the
/// initiative's zone.
struct AnswerTime {
    let zone: TimeZone
    /// The last plain date and its midnight: files hold few distinct dates.
    private var lastDate: (day: Int, instant: Date)?

    init(zone: TimeZone) { self.zone = zone }

    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var reader = Digits(bytes: bytes)
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
              let day = reader.number(2), (1...12).contains(month), day >= 1
        else { return nil }
        let date = LocalDate(year: year, month: month, day: day)
        let dayNumber = date.dayNumber
        guard LocalDate(dayNumber: dayNumber) == date else { return nil }  // 2026-02-30
        if reader.atEnd {
            if let lastDate, lastDate.day == dayNumber { return lastDate.instant }
            let instant = WorkCalendar().instant(on: date, at: TimeOfDay(hour: 0), in: zone)
            lastDate = (dayNumber, instant)
            return instant
        }
        guard reader.skip("T") || reader.skip("t"), let hour = reader.number(2), hour < 24, reader.skip(":"),
              let minute = reader.number(2), minute < 60
        else { return nil }
        var second = 0
        var fraction = 0.0
        if reader.skip(":") {
            guard let value = reader.number(2), value < 60 else { return nil }
            second = value
            if reader.skip(".") || reader.skip(",") {
                var scale = 0.1
                var digits = 0
                while let digit = reader.digit() {
                    fraction += Double(digit) * scale
                    scale /= 10
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        let offset: Int
        if reader.skip("Z") || reader.skip("z") {
            offset = 0
        } else {
            let sign: Int
            if reader.skip("+") { sign = 1 } else if reader.skip("-") { sign = -1 } else { return nil }
            guard let hours = reader.number(2), hours < 24 else { return nil }
            var minutes = 0
            if !reader.atEnd {
                _ = reader.skip(":")
                guard let value = reader.number(2), value < 60 else { return nil }
                minutes = value
            }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard reader.atEnd else { return nil }
        let seconds = dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

/// Reads ASCII digits and separators from the front of some bytes.
private struct Digits {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func digit() -> Int? {
        guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int(bytes[index] - 0x30)
    }

    mutating func number(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }
}
