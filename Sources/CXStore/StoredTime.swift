import CXCore
import Foundation
import GRDB

/// Dates as the store writes them: GRDB's text format, `yyyy-MM-dd HH:mm:ss.SSS` in UTC
/// (rounded to the millisecond, as Foundation does), made with integer arithmetic.
///
/// GRDB formats a `Date` argument with a `DateFormatter`, which goes through ICU: in a burst of
/// 10,000 reminders that was 6 % of the CPU. The text must be exactly GRDB's, byte for byte,
/// since rows written here are compared in SQL with dates GRDB formats (`nextWakeAt <= ?`
/// from a literal) and read back by GRDB; a test compares the two over a spread of instants.
/// Dates outside the years 1900–9999 are left to GRDB.
enum StoredTime {
    static func value(_ date: Date) -> DatabaseValue {
        var bytes = [UInt8](repeating: 0, count: length)
        let written = bytes.withUnsafeMutableBufferPointer { write(date, into: $0) }
        guard written else { return date.databaseValue }
        return String(decoding: bytes, as: UTF8.self).databaseValue
    }

    /// Bytes of the text: `yyyy-MM-dd HH:mm:ss.SSS`.
    static let length = 23

    /// Writes the text of `date` into `bytes` (at least `length` of them); false for dates
    /// outside the years 1900–9999, which are left to GRDB.
    static func write(_ date: Date, into bytes: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        // -2208988800 s is 1900-01-01, 253402300800 s is 10000-01-01.
        guard milliseconds >= -2_208_988_800_000, milliseconds < 253_402_300_800_000 else { return false }
        let total = Int64(milliseconds)
        // Floor division throughout: before 1970 the remainders are negative.
        let millis = Int((total % 1000 + 1000) % 1000)
        let seconds = (total - Int64(millis)) / 1000
        let secondOfDay = (seconds % 86_400 + 86_400) % 86_400
        let days = (seconds - secondOfDay) / 86_400
        let date = LocalDate(dayNumber: Int(days))
        func put(_ value: Int, at index: Int, digits: Int) {
            var value = value
            for offset in stride(from: digits - 1, through: 0, by: -1) {
                bytes[index + offset] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(date.year, at: 0, digits: 4)
        bytes[4] = 45  // -
        put(date.month, at: 5, digits: 2)
        bytes[7] = 45
        put(date.day, at: 8, digits: 2)
        bytes[10] = 32  // space
        put(Int(secondOfDay / 3600), at: 11, digits: 2)
        bytes[13] = 58  // :
        put(Int(secondOfDay / 60 % 60), at: 14, digits: 2)
        bytes[16] = 58
        put(Int(secondOfDay % 60), at: 17, digits: 2)
        bytes[19] = 46  // .
        put(millis, at: 20, digits: 3)
        return true
    }
}
