import Foundation

/// Sends the reminders of one run that are due. On time (within `downtime_grace`), that is the
/// latest "due soon" reminder that came due and at most one reminder per overdue or escalation
/// level, so that a late evaluation never replays a burst. Reminders found late (more than `downtime_grace`
/// after their time: cxd was down) are every one listed, each with its own time, for the
/// composer to fold into one "while cxd was down" digest per recipient. Each repeat counts
/// from the time it was scheduled for, not from when it was found, so downtime never shifts
/// the cadence. Used for step runs and for follow-up tasks alike.
public enum ReminderLadder {
    /// Updates `run`'s progress and returns the notices and audit entries; keys are
    /// `<keyPrefix>/<series>-<n>`, unique because each series' counter only grows.
    public static func send(
        _ run: inout StepRun, policy: ReminderPolicy, context: InitiativeContext, at now: Date, initiative: InitiativeID,
        keyPrefix: String
    ) -> [Effect] {
        var effects: [Effect] = []
        func emit(_ upcoming: ReminderSchedule.Upcoming, _ kind: Notice.Kind, series: String, audit: String) {
            let late = context.isLate(upcoming.deliverAt, for: upcoming.recipient, at: now)
            effects.append(.notify(Notice(
                key: "\(keyPrefix)/\(series)-\(upcoming.sequence)", kind: kind, initiative: initiative, step: run.stepID,
                cycle: run.cycle, run: run.number, recipient: upcoming.recipient, owner: run.owner, level: upcoming.level,
                sequence: upcoming.sequence, dueAt: run.dueAt, scheduledAt: upcoming.deliverAt)))
            var details = ["to": upcoming.recipient, "level": String(upcoming.level), "sequence": String(upcoming.sequence)]
            // Found late: it goes out in the "while cxd was down" digest; say when it was due.
            if late {
                details["scheduled"] = Timestamp.iso(upcoming.deliverAt)
                details["via"] = "digest"
            }
            effects.append(.record(AuditEntry(
                kind: audit, at: now, step: run.stepID, cycle: run.cycle, run: run.number, details: details)))
        }

        // Due soon: every offset that came due while cxd was down is listed; of those that came
        // due on time only the latest is worth sending, and only before the deadline.
        var schedule = ReminderSchedule(run: run, policy: policy, context: context)
        var onTime: ReminderSchedule.Upcoming?
        while let next = schedule.nextDueSoon(fromOffset: run.reminders.beforeHandled), next.deliverAt <= now {
            run.reminders.beforeHandled = next.offsetIndex + 1
            if context.isLate(next.deliverAt, for: next.recipient, at: now) {
                emit(next, .dueSoon, series: "due-soon", audit: "reminder.due_soon")
            } else {
                onTime = next
            }
        }
        if now >= run.dueAt { run.reminders.beforeHandled = policy.before.count }
        if let onTime, onTime.deliverAt < run.dueAt, now < run.dueAt {
            emit(onTime, .dueSoon, series: "due-soon", audit: "reminder.due_soon")
        }

        for level in 1...(1 + policy.escalations.count) {
            let kind: Notice.Kind = level == 1 ? .overdue : .escalated
            let series = level == 1 ? "overdue" : "escalation-\(level)"
            let audit = level == 1 ? "reminder.overdue" : "reminder.escalated"
            // The cap (`max`) bounds this loop: every pass records one more reminder sent.
            schedule = ReminderSchedule(run: run, policy: policy, context: context)
            while let next = schedule.nextRepeat(level: level), next.deliverAt <= now {
                run.reminders.recordSent(level: level, at: next.deliverAt)
                emit(next, kind, series: series, audit: audit)
                schedule = ReminderSchedule(run: run, policy: policy, context: context)
                if !context.isLate(next.deliverAt, for: next.recipient, at: now) {
                    // On time, one per level: when the following one is due already (a cadence
                    // shorter than the delay), the series counts from now instead, so that the
                    // next evaluations do not send the rest in a burst.
                    if let following = schedule.nextRepeat(level: level), following.deliverAt <= now {
                        run.reminders.recordSendTime(level: level, at: now)
                    }
                    break
                }
            }
        }
        return effects
    }
}
