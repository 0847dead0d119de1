import CXCore
import Foundation

/// Built-in subjects and bodies in English and Vietnamese, chosen by the recipient's locale.
public enum MessageText {
    public static func subject(for reminder: NotificationPayload.Reminder, kind: Notice.Kind, locale: String) -> String {
        let what = "\(reminder.stepTitle) — \(reminder.initiativeTitle)"
        let vietnamese = locale == "vi"
        switch kind {
        case .stepStarted: return (vietnamese ? "Bước mới cho bạn: " : "New step for you: ") + what
        case .stepReassigned: return (vietnamese ? "Bước được giao cho bạn: " : "Step handed to you: ") + what
        case .dueSoon: return (vietnamese ? "Sắp đến hạn: " : "Due soon: ") + what
        case .overdue: return (vietnamese ? "Quá hạn: " : "Overdue: ") + what
        case .escalated: return (vietnamese ? "Cảnh báo vượt cấp, quá hạn: " : "Escalation, overdue: ") + what
        }
    }

    public static func body(
        for reminder: NotificationPayload.Reminder, kind: Notice.Kind, locale: String, zone: TimeZone
    ) -> String {
        let due = format(reminder.dueAt, in: zone)
        let step = "'\(reminder.stepTitle)'"
        let initiative = "'\(reminder.initiativeTitle)'"
        if locale == "vi" {
            switch kind {
            case .stepStarted, .stepReassigned:
                return "Bạn phụ trách bước \(step) của sáng kiến \(initiative) (chu kỳ \(reminder.cycle)). Hạn: \(due)."
            case .dueSoon:
                return "Bước \(step) của \(initiative) sẽ đến hạn vào \(due)."
            case .overdue:
                return "Bước \(step) của \(initiative) đã quá hạn từ \(due). Nhắc lần \(reminder.sequence)."
            case .escalated:
                return "\(reminder.owner.name) phụ trách bước \(step) của \(initiative), hạn \(due), và bước này đã quá hạn. "
                    + "Bạn nhận thông báo này ở cấp \(reminder.level ?? 2)."
            }
        }
        switch kind {
        case .stepStarted, .stepReassigned:
            return "You own step \(step) of \(initiative) (cycle \(reminder.cycle)). Due \(due)."
        case .dueSoon:
            return "Step \(step) of \(initiative) is due \(due)."
        case .overdue:
            return "Step \(step) of \(initiative) was due \(due) and is overdue. Reminder \(reminder.sequence)."
        case .escalated:
            return "\(reminder.owner.name) owns step \(step) of \(initiative), which was due \(due) and is overdue. "
                + "You receive this as escalation level \(reminder.level ?? 2)."
        }
    }

    public static func digestSubject(count: Int, locale: String) -> String {
        locale == "vi"
            ? "Trong lúc cxd tạm dừng: \(count) lời nhắc"
            : "While cxd was down: \(count) reminder\(count == 1 ? "" : "s")"
    }

    public static func digestBody(items: [(NotificationPayload.Reminder, Notice.Kind)], locale: String, zone: TimeZone) -> String {
        let intro = locale == "vi"
            ? "cxd đã không chạy khi các lời nhắc sau đến hạn; đây là bản tóm tắt:"
            : "cxd was not running when these reminders fell due; here they are in one message:"
        let lines = items.map { "- " + subject(for: $0.0, kind: $0.1, locale: locale) + " (" + format($0.0.dueAt, in: zone) + ")" }
        return ([intro] + lines).joined(separator: "\n")
    }

    /// `2026-12-07 17:30 GMT+7`, in the recipient's time zone.
    public static func format(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }
}
