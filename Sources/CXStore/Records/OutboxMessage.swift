import CXCore
import Foundation

/// A notification waiting for (or done with) delivery through one notifier.
public struct OutboxMessage: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case pending
        case delivered
        /// Gave up: permanent failure or too old; `lastError` says why.
        case dead
    }

    public var id: Int64?
    /// Idempotency key: unique across the outbox, so the same notification is never queued twice.
    public var key: String
    public var initiative: InitiativeID?
    public var kind: String
    public var notifier: String
    public var recipient: PersonID
    /// The notification document (JSON) handed to the notifier.
    public var payload: Data
    public var status: Status
    public var attempts: Int
    public var createdAt: Date
    public var nextAttemptAt: Date
    public var lastError: String?
    public var deliveredAt: Date?

    public init(
        key: String, initiative: InitiativeID?, kind: String, notifier: String, recipient: PersonID,
        payload: Data, createdAt: Date
    ) {
        self.key = key
        self.initiative = initiative
        self.kind = kind
        self.notifier = notifier
        self.recipient = recipient
        self.payload = payload
        status = .pending
        attempts = 0
        self.createdAt = createdAt
        nextAttemptAt = createdAt
    }
}

/// One line of the audit log as stored.
public struct EventRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var initiative: InitiativeID
    public var entry: AuditEntry
}

/// A step run as stored, open or closed.
public struct StepRunRecord: Codable, Sendable, Equatable {
    public var initiative: InitiativeID
    public var number: Int
    public var step: StepID
    public var cycle: Int
    public var owner: PersonID
    public var startedAt: Date
    public var dueAt: Date
    public var closedAt: Date?
    public var outcome: RunClosure.Outcome?
    public var actor: String?
    public var note: String?
}

/// An initiative's stored state with what the status table shows without decoding it.
public struct InitiativeRecord: Sendable, Equatable {
    public var state: InitiativeState
    public var title: String
    public var workflow: WorkflowID
    public var updatedAt: Date
    /// When the last reminder (due soon, overdue or escalation) went into the outbox.
    public var lastReminderAt: Date?
    /// Why the last evaluation of this initiative failed, while it keeps failing.
    public var lastError: String?
    public var failingSince: Date?

    public init(
        state: InitiativeState, title: String, workflow: WorkflowID, updatedAt: Date, lastReminderAt: Date?,
        lastError: String? = nil, failingSince: Date? = nil
    ) {
        self.state = state
        self.title = title
        self.workflow = workflow
        self.updatedAt = updatedAt
        self.lastReminderAt = lastReminderAt
        self.lastError = lastError
        self.failingSince = failingSince
    }
}
