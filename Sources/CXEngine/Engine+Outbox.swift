import CXConfig
import CXCore
import CXNotifiers
import CXStore
import Foundation

extension Engine {
    public func outbox(status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage] {
        try await store.read { tx in try tx.messages(status: status, limit: limit) }
    }

    /// Queues an undelivered message again now. Throws when it does not exist or was delivered.
    public func retryMessage(_ id: Int64, at now: Date) async throws {
        try await store.write { tx in
            guard try tx.message(id) != nil else { throw EngineError.unknownMessage(id) }
            guard try tx.retry(id, at: now) else { throw EngineError.alreadyDelivered(id) }
        }
    }

    /// Queues every dead message again; returns how many.
    public func retryDeadMessages(at now: Date) async throws -> Int {
        try await store.write { tx in try tx.retryDead(at: now) }
    }

    /// Puts a notifier disabled by a 410 Gone back in service. Returns whether it was disabled.
    public func enableNotifier(_ name: String) async throws -> Bool {
        guard configuration.notifiers.contains(where: { $0.name == name }) else {
            throw EngineError.unknownNotifier(name, known: configuration.notifiers.map(\.name))
        }
        return try await store.write { tx in try tx.enableNotifier(name) }
    }

    /// A message for `cxd notify test`: not stored, handed straight to one notifier.
    public func testMessage(notifier: String, to person: PersonID, at now: Date) throws -> OutboxMessage {
        guard configuration.notifiers.contains(where: { $0.name == notifier }) else {
            throw EngineError.unknownNotifier(notifier, known: configuration.notifiers.map(\.name))
        }
        guard let profile = configuration.people[person] else {
            throw EngineError.unknownPerson(person, known: configuration.people.keys.sorted())
        }
        let vietnamese = profile.locale == "vi"
        let payload = NotificationPayload(
            id: "notifier.test/\(notifier)/\(Timestamp.iso(now))", kind: "notifier.test", createdAt: now,
            recipient: .init(id: person, name: profile.name, email: profile.email, locale: profile.locale, timeZone: profile.timeZone),
            subject: vietnamese ? "Thử kênh thông báo '\(notifier)' của cxd" : "cxd test message through '\(notifier)'",
            text: vietnamese
                ? "Nếu bạn đọc được tin này, kênh '\(notifier)' hoạt động."
                : "If you can read this, the '\(notifier)' notifier works.",
            reminder: nil, items: nil)
        return OutboxMessage(
            key: payload.id, initiative: nil, kind: payload.kind, notifier: notifier, recipient: person,
            payload: try NotificationPayload.encoder.encode(payload), createdAt: now)
    }
}
