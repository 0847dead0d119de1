import CXConfig
import CXCore
import CXNotifiers
import CXStore
import Foundation

extension OperatorAlert {
    /// Tells the operators, once per failure episode, that one initiative could not be
    /// evaluated and is set aside while the others go on.
    static func evaluationFailed(_ id: InitiativeID, reason: String, configuration: Configuration, at now: Date) -> [OutboxMessage] {
        var messages: [OutboxMessage] = []
        for person in configuration.operators.people {
            let profile = configuration.people[person]
            let locale = profile?.locale ?? "en"
            let subject = locale == "vi"
                ? "Không xử lý được sáng kiến '\(id)'"
                : "Initiative '\(id)' cannot be evaluated"
            let text = locale == "vi"
                ? "\(reason). Các sáng kiến khác vẫn chạy; cxd thử lại sau ít phút và khi cấu hình thay đổi. `cxd status \(id)` cho biết lỗi."
                : "\(reason). The other initiatives go on; cxd tries this one again every few minutes and whenever the configuration changes. `cxd status \(id)` shows the error."
            for notifier in configuration.operators.notifiers {
                let payload = NotificationPayload(
                    id: "initiative.failed/\(id)/\(Timestamp.iso(now))/\(person)@\(notifier)", kind: "initiative.failed",
                    createdAt: now,
                    recipient: .init(
                        id: person, name: profile?.name ?? person, email: profile?.email, locale: locale,
                        timeZone: profile?.timeZone),
                    subject: subject, text: text, reminder: nil, items: nil)
                guard let data = try? NotificationPayload.encoder.encode(payload) else { continue }
                messages.append(OutboxMessage(
                    key: payload.id, initiative: id, kind: payload.kind, notifier: notifier, recipient: person,
                    payload: data, createdAt: now))
            }
        }
        return messages
    }
}
