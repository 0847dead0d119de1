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
        /// A survey round opened: a survey platform (webhook, exec plugin) or a person sends it out.
        case surveyRequested = "survey.requested"
        /// A survey round closed, with its metrics.
        case surveyClosed = "survey.closed"
        /// The re-survey was evaluated against the baseline and the goal.
        case cycleEvaluated = "cycle.evaluated"
        /// A detractor's answer opened a follow-up task.
        case followUpOpened = "followup.opened"
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
    /// For survey, evaluation and follow-up notices: what they are about.
    public var survey: SurveyNotice?

    public init(
        key: String, kind: Kind, initiative: InitiativeID, step: StepID, cycle: Int, run: Int,
        recipient: PersonID, owner: PersonID, level: Int?, sequence: Int, dueAt: Date, scheduledAt: Date,
        survey: SurveyNotice? = nil
    ) {
        self.survey = survey
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

/// What survey notices carry: the round, what to ask, and (when closed or evaluated) the numbers.
public struct SurveyNotice: Codable, Sendable, Equatable {
    public var round: Int
    public var trigger: String
    public var touchpoints: [String]
    public var questions: [String]
    public var opensAt: Date
    public var closesAt: Date?
    public var quota: Int?
    public var minimumSample: Int
    /// Respondents asked too often lately (`respondent_cap`): leave them out of this round.
    public var excludeRespondents: [String]
    public var metrics: MetricResult?
    public var evaluation: Evaluation?
    /// For `followup.opened`: the answers to follow up (one notice per owner and import), the
    /// first few of them (`FollowUp.noticeListLimit`, long comments shortened).
    public var followUps: [FollowUpNotice]
    /// For `followup.opened`: how many follow-ups were opened, listed or not.
    public var followUpCount: Int?

    public init(
        round: Int, trigger: String, touchpoints: [String], questions: [String], opensAt: Date, closesAt: Date?,
        quota: Int?, minimumSample: Int, excludeRespondents: [String] = [], metrics: MetricResult? = nil,
        evaluation: Evaluation? = nil, followUps: [FollowUpNotice] = [], followUpCount: Int? = nil
    ) {
        self.round = round
        self.trigger = trigger
        self.touchpoints = touchpoints
        self.questions = questions
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.quota = quota
        self.minimumSample = minimumSample
        self.excludeRespondents = excludeRespondents
        self.metrics = metrics
        self.evaluation = evaluation
        self.followUps = followUps
        self.followUpCount = followUpCount
    }
}

/// The answer a follow-up is about.
public struct FollowUpNotice: Codable, Sendable, Equatable {
    public var id: Int64
    public var touchpoint: String?
    public var respondent: String
    public var score: Int?
    public var comment: String?
    public var emotion: Emotion?

    public init(id: Int64, touchpoint: String?, respondent: String, score: Int?, comment: String?, emotion: Emotion?) {
        self.id = id
        self.touchpoint = touchpoint
        self.respondent = respondent
        self.score = score
        self.comment = comment
        self.emotion = emotion
    }
}
