import CXConfig
import CXCore
import CXNotifiers
import CXStore
import Foundation

/// Messages to the operators (`operators:` in cxd.yaml) about cxd itself: an initiative that
/// cannot be evaluated (here), and delivery (the daemon's delivery lanes add those alerts). Each
/// key names the episode it reports on, so queuing the same alert twice (after a crash, say)
/// adds nothing.
package enum OperatorAlert {
    /// A text in English and Vietnamese.
    package struct Text {
        package var en: String
        package var vi: String

        package init(en: String, vi: String) {
            self.en = en
            self.vi = vi
        }

        package func callAsFunction(_ locale: String) -> String { locale == "vi" ? vi : en }
    }

    /// One message per operator and notifier, never through the notifier `about` (the one
    /// that has the problem). `key` is the episode's name; operator and notifier are added.
    package static func messages(
        kind: String, key: String, subject: Text, text: Text, about notifier: String?, configuration: Configuration,
        at now: Date
    ) -> [OutboxMessage] {
        let notifiers = configuration.operators.notifiers.filter { $0 != notifier }
        var messages: [OutboxMessage] = []
        for person in configuration.operators.people {
            let profile = configuration.people[person]
            let locale = profile?.locale ?? "en"
            for via in notifiers {
                let payload = NotificationPayload(
                    id: "\(key)/\(person)@\(via)", kind: kind, createdAt: now,
                    recipient: .init(
                        id: person, name: profile?.name ?? person, email: profile?.email, locale: locale,
                        timeZone: profile?.timeZone),
                    subject: subject(locale), text: text(locale), reminder: nil, items: nil)
                guard let data = try? NotificationPayload.encoder.encode(payload) else { continue }
                var message = OutboxMessage(
                    key: payload.id, initiative: nil, kind: payload.kind, notifier: via, recipient: person,
                    payload: data, createdAt: now)
                message.nextAttemptAt = configuration.earliestDelivery(of: kind, to: person, at: now)
                messages.append(message)
            }
        }
        return messages
    }
}
