import CXSMTP
import Foundation

/// Turns a notification payload into an email: rendered with the notifier's templates in the
/// recipient's locale and time zone, addressed to `payload.recipient.email`, the owner's manager
/// copied on escalations when configured, and a Message-ID derived from the payload's
/// idempotency key so that a message sent twice is recognisable as a duplicate.
struct EmailComposer: Sendable {
    var settings: EmailSettings

    /// A message that cannot be composed, with the permanent reason.
    struct Refusal: Error {
        var reason: String
    }

    func compose(_ data: Data) -> Result<EmailMessage, Refusal> {
        let payload: NotificationPayload
        do {
            payload = try NotificationPayload.decoder.decode(NotificationPayload.self, from: data)
        } catch {
            return .failure(Refusal(reason: "cannot decode the notification payload: \(error)"))
        }
        let recipient = payload.recipient
        guard let address = recipient.email, !address.isEmpty else {
            return .failure(Refusal(reason: "person '\(recipient.id)' has no email address"))
        }
        let to: EmailAddress
        do {
            to = try EmailAddress(address, name: recipient.name)
        } catch {
            return .failure(Refusal(reason: "person '\(recipient.id)': \(error)"))
        }
        var cc: [EmailAddress] = []
        if settings.ccManagerOnEscalation, let manager = payload.reminder?.ownerManager,
           EmailNotifier.copiesManager(kind: payload.kind, manager: manager.email, recipient: address),
           let managerAddress = manager.email, let copy = try? EmailAddress(managerAddress, name: manager.name) {
            cc.append(copy)
        }
        let rendered = settings.templates.render(payload, zone: recipient.zone)
        let message = EmailMessage(
            from: settings.from, to: [to], cc: cc, replyTo: settings.replyTo, subject: rendered.subject,
            text: rendered.text, html: rendered.html, date: payload.createdAt, zone: recipient.zone,
            messageID: MessageID(key: payload.id, domain: settings.from.domain),
            extraHeaders: [("Auto-Submitted", "auto-generated"), ("X-CXD-Kind", payload.kind)])
        return .success(message)
    }
}
