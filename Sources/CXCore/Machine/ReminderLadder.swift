import Foundation

/// Sends the reminders of one run that are due: the latest "due soon" reminder that came due,
/// then at most one reminder per overdue or escalation level, so that a late evaluation never
/// replays a burst. Used for step runs and for follow-up tasks alike.
public enum ReminderLadder {
    /// Updates `run`'s progress and returns the notices and audit entries; keys are
    /// `<keyPrefix>/<series>-<n>`, unique because each series' counter only grows.
    public static func send(
        _ run: inout StepRun, policy: ReminderPolicy, context: InitiativeContext, at now: Date, initiative: InitiativeID,
        keyPrefix: String
    ) -> [Effect] {
        var effects: [Effect] = []
        let schedule = ReminderSchedule(run: run, policy: policy, context: context)
        func notice(_ upcoming: ReminderSchedule.Upcoming, _ kind: Notice.Kind, _ series: String) -> Notice {
            Notice(
                key: "\(keyPrefix)/\(series)-\(upcoming.sequence)", kind: kind, initiative: initiative, step: run.stepID,
                cycle: run.cycle, run: run.number, recipient: upcoming.recipient, owner: run.owner, level: upcoming.level,
                sequence: upcoming.sequence, dueAt: run.dueAt, scheduledAt: upcoming.deliverAt)
        }

        // Due soon: of the offsets that came due, only the latest is worth sending.
        var latest: ReminderSchedule.Upcoming?
        while let next = schedule.nextDueSoon(fromOffset: run.reminders.beforeHandled), next.deliverAt <= now {
            latest = next
            run.reminders.beforeHandled = next.offsetIndex + 1
        }
        if now >= run.dueAt { run.reminders.beforeHandled = policy.before.count }
        if let latest, latest.deliverAt < run.dueAt, now < run.dueAt {
            effects.append(.notify(notice(latest, .dueSoon, "due-soon")))
        }

        for level in 1...(1 + policy.escalations.count) {
            guard let next = schedule.nextRepeat(level: level), next.deliverAt <= now else { continue }
            run.reminders.recordSent(level: level, at: now)
            let kind: Notice.Kind = level == 1 ? .overdue : .escalated
            effects.append(.notify(notice(next, kind, level == 1 ? "overdue" : "escalation-\(level)")))
            effects.append(.record(AuditEntry(
                kind: level == 1 ? "reminder.overdue" : "reminder.escalated", at: now, step: run.stepID,
                cycle: run.cycle, run: run.number,
                details: ["to": next.recipient, "level": String(level), "sequence": String(next.sequence)])))
        }
        return effects
    }
}
