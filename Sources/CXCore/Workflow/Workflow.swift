/// A workflow: the ordered steps an initiative moves through (`workflows/*.yaml`).
public struct Workflow: Codable, Sendable, Equatable {
    public var id: WorkflowID
    public var title: LocalizedText
    public var steps: [Step]
    /// `defaults.reminders`: what steps start from, and what follow-up tasks use.
    public var defaultReminders: ReminderPolicy

    public init(id: WorkflowID, title: LocalizedText, steps: [Step], defaultReminders: ReminderPolicy = .builtIn) {
        self.id = id
        self.title = title
        self.steps = steps
        self.defaultReminders = defaultReminders
    }

    public func step(_ id: StepID) -> Step? { steps.first { $0.id == id } }

    public func index(of id: StepID) -> Int? { steps.firstIndex { $0.id == id } }

    /// Roles that own a step or receive an escalation: every initiative must bind them.
    public var roles: [RoleID] {
        var seen: [RoleID] = []
        func add(_ role: RoleID) { if !seen.contains(role) { seen.append(role) } }
        for step in steps {
            add(step.owner)
            for level in step.reminders.escalations {
                if case .role(let role) = level.to { add(role) }
            }
        }
        return seen
    }

    /// Where a step leads: the named step, the following one, or the end of the initiative.
    public func successor(of id: StepID) -> Successor {
        guard let index = index(of: id) else { return .end }
        switch steps[index].next {
        case .end: return .end
        case .step(let next):
            let target = self.index(of: next) ?? index + 1
            return .step(next, loopsBack: target <= index)
        case .following:
            return index + 1 < steps.count ? .step(steps[index + 1].id, loopsBack: false) : .end
        }
    }

    public enum Successor: Equatable, Sendable {
        case step(StepID, loopsBack: Bool)
        case end
    }
}

/// One step of a workflow.
public struct Step: Codable, Sendable, Equatable {
    public var id: StepID
    public var title: LocalizedText
    public var owner: RoleID
    public var duration: WorkDuration
    /// Dotted paths of the initiative document that must be non-empty to close the step.
    public var requires: [String]
    public var reminders: ReminderPolicy
    public var next: Next
    /// What the step does with customer surveys (`survey:` in YAML).
    public var survey: SurveyDuty?
    /// `evaluate: true`: completing the step evaluates the latest survey round against the
    /// baseline and the goal (the re-survey step).
    public var evaluates: Bool

    /// A step's part in the survey loop.
    public enum SurveyDuty: String, Codable, Sendable, Equatable {
        /// `survey: open`: a round opens when the step starts (insight, re-survey).
        case open
        /// `survey: cadence`: rounds open on the initiative's cadence while the step runs
        /// (monitor), and early when the metric drops below its threshold.
        case cadence
    }

    public enum Next: Codable, Sendable, Equatable {
        /// The step after this one in the list (the last step needs an explicit `next:`).
        case following
        case step(StepID)
        /// `next: end`: completing the step completes the initiative.
        case end
    }

    public init(
        id: StepID, title: LocalizedText, owner: RoleID, duration: WorkDuration,
        requires: [String] = [], reminders: ReminderPolicy, next: Next = .following, survey: SurveyDuty? = nil,
        evaluates: Bool = false
    ) {
        self.survey = survey
        self.evaluates = evaluates
        self.id = id
        self.title = title
        self.owner = owner
        self.duration = duration
        self.requires = requires
        self.reminders = reminders
        self.next = next
    }
}

/// When and whom to remind about a step's deadline.
public struct ReminderPolicy: Codable, Sendable, Equatable {
    /// Offsets before the due time at which the owner is reminded (`2d`, `4h`).
    public var before: [WorkDuration]
    /// Level 1 of the ladder: the owner, from the due time, every `overdue.every`.
    public var overdue: Repeat
    /// Levels 2…n: each starts `after` the due time and repeats on its own.
    public var escalations: [Escalation]

    public struct Repeat: Codable, Sendable, Equatable {
        public var every: WorkDuration
        /// How many reminders this level sends at most.
        public var max: Int

        public init(every: WorkDuration, max: Int) {
            self.every = every
            self.max = max
        }
    }

    public struct Escalation: Codable, Sendable, Equatable {
        public var after: WorkDuration
        public var to: EscalationTarget
        public var every: WorkDuration
        public var max: Int

        public init(after: WorkDuration, to: EscalationTarget, every: WorkDuration, max: Int) {
            self.after = after
            self.to = to
            self.every = every
            self.max = max
        }
    }

    /// The policy when a workflow says nothing: one reminder a day before, then daily overdue
    /// reminders to the owner, five at most, and no escalation.
    public static let builtIn = ReminderPolicy(before: [.days(1)], overdue: Repeat(every: .days(1), max: 5), escalations: [])

    public init(before: [WorkDuration], overdue: Repeat, escalations: [Escalation]) {
        self.before = before
        self.overdue = overdue
        self.escalations = escalations
    }
}

/// Who an escalation level reaches.
public enum EscalationTarget: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The manager of the step's owner (`to: manager`).
    case manager
    /// The person bound to a role of the initiative (`to: role:sponsor`).
    case role(RoleID)

    public var description: String {
        switch self {
        case .manager: return "manager"
        case .role(let role): return "role:\(role)"
        }
    }
}
