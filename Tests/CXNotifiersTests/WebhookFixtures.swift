import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// Payloads, outbox messages and notifier options for the webhook tests.
enum WebhookFixtures {
    /// Standard Webhooks test secrets (`whsec_` + base64 of random bytes).
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let previousSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"

    static let created = instant("2027-03-01T02:00:00Z")

    static let lan = NotificationPayload.Party(
        id: "lan", name: "Nguyễn Thị Lan", email: "lan@example.vn", locale: "vi", timeZone: "Asia/Ho_Chi_Minh")
    static let minh = NotificationPayload.Party(
        id: "minh", name: "Trần Văn Minh", email: "minh@example.vn", locale: "vi", timeZone: "Asia/Ho_Chi_Minh")
    static let alice = NotificationPayload.Party(id: "alice", name: "Alice", email: nil, locale: "en")

    static func reminder(
        key: String = "onboarding/1/1/kickoff/overdue/1", kind: String = "step.overdue", owner: NotificationPayload.Party = lan,
        manager: NotificationPayload.Party? = nil, level: Int? = 1, stepTitle: String = "Phỏng vấn khách hàng"
    ) -> NotificationPayload.Reminder {
        NotificationPayload.Reminder(
            key: key, kind: kind, initiative: "onboarding", initiativeTitle: "Cải thiện trải nghiệm",
            step: "kickoff", stepTitle: stepTitle, cycle: 1, run: 1, owner: owner, ownerManager: manager, level: level,
            sequence: 1, dueAt: instant("2027-02-26T10:30:00Z"), scheduledAt: created)
    }

    /// A single overdue reminder to a Vietnamese-speaking owner.
    static func overdue(id: String = "onboarding/1/1/kickoff/overdue/1@hook", subject: String = "Quá hạn: Phỏng vấn khách hàng — Cải thiện trải nghiệm",
                        stepTitle: String = "Phỏng vấn khách hàng") -> NotificationPayload {
        NotificationPayload(
            id: id, kind: "step.overdue", createdAt: created, recipient: lan, subject: subject,
            text: "Bước '\(stepTitle)' đã quá hạn.\n", reminder: reminder(stepTitle: stepTitle), items: nil)
    }

    /// An escalation to the owner's manager.
    static func escalation() -> NotificationPayload {
        NotificationPayload(
            id: "onboarding/1/1/kickoff/escalated/2@hook", kind: "step.escalated", createdAt: created, recipient: minh,
            subject: "Cảnh báo vượt cấp", text: "Lan phụ trách bước này.\n",
            reminder: reminder(key: "onboarding/1/1/kickoff/escalated/2", kind: "step.escalated", manager: minh, level: 2),
            items: nil)
    }

    /// The "while cxd was down" digest, with `items` and no `reminder`.
    static func digest() -> NotificationPayload {
        NotificationPayload(
            id: "digest/alice/2027-03-01T02:00:00Z@hook", kind: "reminder.digest", createdAt: created, recipient: alice,
            subject: "While cxd was down: 2 reminder(s)", text: "…\n", reminder: nil,
            items: [
                reminder(key: "a/1/1/s/overdue/1", owner: alice),
                reminder(key: "a/1/1/s/escalated/2", kind: "step.escalated", owner: alice, manager: minh, level: 2),
            ])
    }

    static func message(_ payload: NotificationPayload, notifier: String = "hook") throws -> OutboxMessage {
        OutboxMessage(
            key: payload.id, initiative: payload.reminder?.initiative, kind: payload.kind, notifier: notifier,
            recipient: payload.recipient.id, payload: try NotificationPayload.encoder.encode(payload), createdAt: payload.createdAt)
    }

    static func config(_ options: [String: Document], name: String = "hook") -> NotifierConfig {
        NotifierConfig(name: name, type: "webhook", options: options)
    }

    /// A registry with the webhook type, as the daemon will have it.
    static var registry: NotifierRegistry {
        var registry = NotifierRegistry()
        WebhookNotifier.register(in: &registry)
        return registry
    }

    /// Builds a webhook notifier through the registry.
    static func notifier(
        _ options: [String: Document], environment: NotifierEnvironment = NotifierEnvironment(variables: [:])
    ) throws -> any Notifier {
        let notifiers = try registry.make([config(options)], environment: environment)
        return try #require(notifiers["hook"])
    }

    /// The setup error for `options`, or nil when they are accepted.
    static func setupError(
        _ options: [String: Document], environment: NotifierEnvironment = NotifierEnvironment(variables: [:])
    ) -> NotifierSetupError? {
        do {
            _ = try registry.make([config(options)], environment: environment)
            return nil
        } catch {
            return error
        }
    }
}
