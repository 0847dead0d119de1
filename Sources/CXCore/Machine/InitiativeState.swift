import Foundation

/// Everything the state machine needs besides the state: the declared definition, its
/// workflow, the people, and the calendar. Built from YAML by CXConfig.
public struct InitiativeContext: Sendable {
    public var definition: InitiativeDefinition
    public var workflow: Workflow
    public var people: [PersonID: Person]
    public var calendar: WorkCalendar
    /// Used for people without a time zone of their own and for start dates.
    public var defaultTimeZone: TimeZone
    /// Reminders found later than this after their time (cxd was down) are listed in one
    /// digest instead of sent one by one (`downtime_grace`).
    public var downtimeGrace: WorkDuration

    public init(
        definition: InitiativeDefinition, workflow: Workflow, people: [PersonID: Person],
        calendar: WorkCalendar, defaultTimeZone: TimeZone, downtimeGrace: WorkDuration = .minutes(15)
    ) {
        self.definition = definition
        self.workflow = workflow
        self.people = people
        self.calendar = calendar
        self.defaultTimeZone = defaultTimeZone
        self.downtimeGrace = downtimeGrace
    }

    public func zone(of person: PersonID) -> TimeZone {
        people[person].map(\.zone) ?? defaultTimeZone
    }

    /// The instant the first step opens: the start of working hours on the start date in the
    /// time zone of the first step's owner, or on the next working day when the start date is
    /// a weekend or a holiday there.
    public var startInstant: Date {
        calendar.deliveryTime(atOrAfter: calendar.instant(on: definition.start, at: calendar.dayStart, in: zone), in: zone)
    }

    /// The initiative's own time zone: its first step's owner's (the default zone when that
    /// role is not bound). Its start date and dates without a time (`2026-12-01` in a file of
    /// survey answers) are read in it.
    public var zone: TimeZone {
        workflow.steps.first.flatMap { definition.roles[$0.owner] }.map(zone(of:)) ?? defaultTimeZone
    }

    /// Where survey rounds of `state` are timed (window, respondent window): the open step's
    /// owner's zone, else the initiative's.
    public func surveyZone(_ state: InitiativeState) -> TimeZone {
        state.openRun.map { zone(of: $0.owner) } ?? zone
    }

    /// Whether something meant for `recipient` at `scheduled` is found too late at `now` to go
    /// out on its own (the downtime rule): more than `downtimeGrace` after its time, measured
    /// in the recipient's time zone.
    public func isLate(_ scheduled: Date, for recipient: PersonID, at now: Date) -> Bool {
        DowntimeRule.isLate(scheduled, at: now, grace: downtimeGrace, calendar: calendar, zone: zone(of: recipient))
    }
}

/// Where an initiative stands. Stored as JSON by the store; the machine is its only writer.
public struct InitiativeState: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable, CaseIterable {
        /// The start date is ahead.
        case pending
        /// One step is open.
        case active
        /// The open step is frozen: no reminders, the deadline moves by the paused time.
        case paused
        /// The workflow reached `next: end`.
        case completed
        /// The initiative file was removed; kept for history, restored if the file returns.
        case archived
    }

    public var id: InitiativeID
    public var phase: Phase
    /// Starts at 1; grows by one on every loop-back edge (e.g. `resurvey` → `insight`).
    public var cycle: Int
    /// How many step runs were ever opened; the next run gets `runCount + 1`.
    public var runCount: Int
    /// The open step run, present exactly when the phase is active or paused.
    public var openRun: StepRun?
    public var pausedAt: Date?
    /// The phase before archiving, restored when the definition comes back.
    public var archivedFrom: Phase?

    public init(id: InitiativeID) {
        self.id = id
        phase = .pending
        cycle = 1
        runCount = 0
    }
}

/// One attempt at one step: who owns it, since when, until when, and which reminders went out.
public struct StepRun: Codable, Sendable, Equatable {
    public var number: Int
    public var stepID: StepID
    public var cycle: Int
    public var owner: PersonID
    public var startedAt: Date
    public var dueAt: Date
    /// Counts owner changes, so that each assignment notice has a key of its own.
    public var assignments: Int
    public var reminders: ReminderProgress

    public init(number: Int, stepID: StepID, cycle: Int, owner: PersonID, startedAt: Date, dueAt: Date) {
        self.number = number
        self.stepID = stepID
        self.cycle = cycle
        self.owner = owner
        self.startedAt = startedAt
        self.dueAt = dueAt
        assignments = 1
        reminders = ReminderProgress()
    }
}

/// Progress through a run's reminder ladder. Level 0 is the "due soon" series, level 1 the
/// owner's overdue repeats, levels 2… the escalations.
public struct ReminderProgress: Codable, Sendable, Equatable {
    /// How many of the `before:` offsets were sent or passed over.
    public var beforeHandled: Int = 0
    /// Per level ≥ 1: reminders sent and when the last one went out.
    public var levels: [Level] = []
    /// Levels whose repeats were stopped by `cxd ack` (0 stops the remaining due-soon reminders).
    public var acknowledged: Set<Int> = []
    public var snoozedUntil: Date?

    public struct Level: Codable, Sendable, Equatable {
        public var sent: Int = 0
        public var lastSentAt: Date?
    }

    public init() {}

    func level(_ index: Int) -> Level {
        index - 1 < levels.count ? levels[index - 1] : Level()
    }

    mutating func recordSent(level index: Int, at instant: Date) {
        recordSendTime(level: index, at: instant)
        levels[index - 1].sent += 1
    }

    /// Moves the instant the level's repeats count from, without counting a reminder.
    mutating func recordSendTime(level index: Int, at instant: Date) {
        while levels.count < index { levels.append(Level()) }
        levels[index - 1].lastSentAt = instant
    }

    /// The highest level that has begun: what `cxd ack` acknowledges.
    var currentLevel: Int? {
        if let last = levels.lastIndex(where: { $0.sent > 0 }) { return last + 1 }
        return beforeHandled > 0 ? 0 : nil
    }
}
