import Foundation

/// Dates as RFC 5322 §3.3 writes them: `Thu, 26 Nov 2026 01:44:19 +0700`, in a given zone.
enum RFC5322Date {
    static func format(_ date: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offset = zone.secondsFromGMT(for: date) / 60
        let sign = offset < 0 ? "-" : "+"
        func two(_ value: Int?) -> String { String(value ?? 0).leftPadded(to: 2) }
        let weekday = days[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        return "\(weekday), \(parts.day ?? 1) \(month) \(String(parts.year ?? 1970).leftPadded(to: 4)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) \(sign)\(two(abs(offset) / 60))\(two(abs(offset) % 60))"
    }
}
