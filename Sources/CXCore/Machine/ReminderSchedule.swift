import Foundation

/// The next reminder of each level of a step run, computed from the policy, the progress so far
/// and the recipients' calendars. Pure: the same inputs always give the same schedule.
public struct ReminderSchedule: Sendable {
    public struct Upcoming: Sendable, Equatable {
        public var level: Int
        public var sequence: Int
        public var recipient: PersonID
        /// Inside the recipient's working hours, not before any snooze ends.
        public var deliverAt: Date
        /// For level 0: the index of the `before:` offset this reminder stands for.
        var offsetIndex: Int
    }

    let run: StepRun
    let policy: ReminderPolicy
    let context: InitiativeContext

    public init(run: StepRun, policy: ReminderPolicy, context: InitiativeContext) {
        self.run = run
        self.policy = policy
        self.context = context
    }

    /// The next reminder of every level that still has one, earliest first.
    public var upcoming: [Upcoming] {
        var result: [Upcoming] = []
        if let dueSoon = nextDueSoon(fromOffset: run.reminders.beforeHandled) { result.append(dueSoon) }
        for level in 1...(1 + policy.escalations.count) {
            if let next = nextRepeat(level: level) { result.append(next) }
        }
        return result.sorted { ($0.deliverAt, $0.level) < ($1.deliverAt, $1.level) }
    }

    /// The recipient of a level: the owner for 0 and 1, the escalation target above.
    public func recipient(level: Int) -> PersonID? {
        guard level >= 2 else { return run.owner }
        switch policy.escalations[level - 2].to {
        case .manager: return context.people[run.owner]?.manager
        case .role(let role): return context.definition.roles[role]
        }
    }

    private var calendar: WorkCalendar { context.calendar }

    private func deliveryTime(nominal: Date, to person: PersonID) -> Date {
        let earliest = max(nominal, run.reminders.snoozedUntil ?? nominal)
        return calendar.deliveryTime(atOrAfter: earliest, in: context.zone(of: person))
    }

    /// Offsets are tried earliest first (largest offset first). One that would land before the
    /// step started or not before the due time is passed over: it would only be noise.
    func nextDueSoon(fromOffset start: Int) -> Upcoming? {
        guard !run.reminders.acknowledged.contains(0) else { return nil }
        let offsets = orderedOffsets
        guard start < offsets.count else { return nil }
        let zone = context.zone(of: run.owner)
        for index in start..<offsets.count {
            let nominal = calendar.moving(run.dueAt, by: offsets[index], sign: -1, in: zone)
            guard nominal >= run.startedAt else { continue }
            let deliverAt = deliveryTime(nominal: nominal, to: run.owner)
            guard deliverAt < run.dueAt else { continue }
            return Upcoming(level: 0, sequence: index + 1, recipient: run.owner, deliverAt: deliverAt, offsetIndex: index)
        }
        return nil
    }

    var orderedOffsets: [WorkDuration] {
        let zone = context.zone(of: run.owner)
        return policy.before.sorted {
            calendar.moving(run.dueAt, by: $0, sign: -1, in: zone) < calendar.moving(run.dueAt, by: $1, sign: -1, in: zone)
        }
    }

    func nextRepeat(level: Int) -> Upcoming? {
        guard !run.reminders.acknowledged.contains(level), let recipient = recipient(level: level) else { return nil }
        let progress = run.reminders.level(level)
        let (start, every, cap): (WorkDuration?, WorkDuration, Int)
        if level == 1 {
            (start, every, cap) = (nil, policy.overdue.every, policy.overdue.max)
        } else {
            let escalation = policy.escalations[level - 2]
            (start, every, cap) = (escalation.after, escalation.every, escalation.max)
        }
        guard progress.sent < cap else { return nil }
        let zone = context.zone(of: recipient)
        let nominal: Date
        if let last = progress.lastSentAt {
            nominal = calendar.moving(last, by: every, in: zone)
        } else if let start {
            nominal = calendar.moving(run.dueAt, by: start, in: zone)
        } else {
            nominal = run.dueAt
        }
        return Upcoming(
            level: level, sequence: progress.sent + 1, recipient: recipient,
            deliverAt: deliveryTime(nominal: nominal, to: recipient), offsetIndex: 0)
    }
}
