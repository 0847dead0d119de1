import Foundation

/// What a transition asks the world to do. The store applies all of them in one transaction.
public enum Effect: Sendable, Equatable {
    /// Append to the audit log.
    case record(AuditEntry)
    /// Send a notification (routed to notifiers by the daemon).
    case notify(Notice)
    case runOpened(StepRun)
    case runClosed(RunClosure)
}

/// One line of the append-only audit log.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var kind: String
    public var at: Date
    public var actor: String?
    public var step: StepID?
    public var cycle: Int
    public var run: Int?
    public var details: [String: String]

    public init(
        kind: String, at: Date, actor: String? = nil, step: StepID? = nil, cycle: Int, run: Int? = nil,
        details: [String: String] = [:]
    ) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.step = step
        self.cycle = cycle
        self.run = run
        self.details = details
    }
}

public struct RunClosure: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case completed
        /// Closed because someone reopened an earlier step.
        case reopened
    }

    public var number: Int
    public var at: Date
    public var outcome: Outcome
    public var actor: String?
    public var note: String?
}

/// A notification about a step, addressed to one person. `key` is its idempotency key: the
/// machine never produces the same key twice, and the outbox refuses duplicates.
public struct Notice: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case stepStarted = "step.started"
        case stepReassigned = "step.reassigned"
        case dueSoon = "step.due_soon"
        case overdue = "step.overdue"
        case escalated = "step.escalated"
    }

    public var key: String
    public var kind: Kind
    public var initiative: InitiativeID
    public var step: StepID
    public var cycle: Int
    public var run: Int
    public var recipient: PersonID
    public var owner: PersonID
    /// 0 due soon, 1 overdue (owner), 2… escalation levels; nil for assignment notices.
    public var level: Int?
    /// The n-th reminder of its level.
    public var sequence: Int
    public var dueAt: Date
    /// When the notice was meant to go out (inside the recipient's working hours).
    public var scheduledAt: Date

    public init(
        key: String, kind: Kind, initiative: InitiativeID, step: StepID, cycle: Int, run: Int,
        recipient: PersonID, owner: PersonID, level: Int?, sequence: Int, dueAt: Date, scheduledAt: Date
    ) {
        self.key = key
        self.kind = kind
        self.initiative = initiative
        self.step = step
        self.cycle = cycle
        self.run = run
        self.recipient = recipient
        self.owner = owner
        self.level = level
        self.sequence = sequence
        self.dueAt = dueAt
        self.scheduledAt = scheduledAt
    }
}
