import CXStore
import Foundation

/// One outbox message as `cxd outbox --json` and `GET /api/v1/outbox` show it: everything but
/// the payload (the file notifier's output and the webhook bodies show that).
public struct OutboxSummary: Codable, Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var initiative: String?
    public var kind: String
    public var notifier: String
    public var recipient: String
    public var status: String
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var lastError: String?
    public var deliveredAt: Date?

    public init(_ message: OutboxMessage) {
        id = message.id ?? 0
        key = message.key
        initiative = message.initiative
        kind = message.kind
        notifier = message.notifier
        recipient = message.recipient
        status = message.status.rawValue
        attempts = message.attempts
        createdAt = message.createdAt
        nextAttemptAt = message.nextAttemptAt
        lastError = message.lastError
        deliveredAt = message.deliveredAt
    }
}
