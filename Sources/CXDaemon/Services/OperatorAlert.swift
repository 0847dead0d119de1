import CXConfig
import CXCore
import CXNotifiers
import CXStore
import Foundation

/// Messages to the operators (`operators:` in cxd.yaml) about delivery itself.
enum OperatorAlert {
    /// One message per operator and notifier, never through the notifier that failed.
    static func notifierDisabled(_ name: String, reason: String, configuration: Configuration, at now: Date) -> [OutboxMessage] {
        let notifiers = configuration.operators.notifiers.filter { $0 != name }
        var messages: [OutboxMessage] = []
        for person in configuration.operators.people {
            let profile = configuration.people[person]
            let locale = profile?.locale ?? "en"
            let subject = locale == "vi"
                ? "Kênh thông báo '\(name)' đã bị tắt: địa chỉ nhận không còn tồn tại"
                : "Notifier '\(name)' disabled: its endpoint is gone"
            let text = locale == "vi"
                ? "\(reason). Các thông báo gửi qua '\(name)' đang chờ trong outbox. Sau khi sửa cấu hình, chạy `cxd notify enable \(name)`."
                : "\(reason). Messages for '\(name)' wait in the outbox. Fix its configuration, then run `cxd notify enable \(name)`."
            for notifier in notifiers {
                let payload = NotificationPayload(
                    id: "notifier.disabled/\(name)/\(Timestamp.iso(now))/\(person)@\(notifier)", kind: "notifier.disabled",
                    createdAt: now,
                    recipient: .init(
                        id: person, name: profile?.name ?? person, email: profile?.email, locale: locale,
                        timeZone: profile?.timeZone),
                    subject: subject, text: text, reminder: nil, items: nil)
                guard let data = try? NotificationPayload.encoder.encode(payload) else { continue }
                messages.append(OutboxMessage(
                    key: payload.id, initiative: nil, kind: payload.kind, notifier: notifier, recipient: person,
                    payload: data, createdAt: now))
            }
        }
        return messages
    }
}
