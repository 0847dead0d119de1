import Foundation

/// The downtime rule, shared by the state machine (which lists every reminder it finds late)
/// and the notification composer (which folds them into one digest per recipient).
public enum DowntimeRule {
    public static func isLate(_ scheduled: Date, at now: Date, grace: WorkDuration, calendar: WorkCalendar, zone: TimeZone) -> Bool {
        now > calendar.moving(scheduled, by: grace, in: zone)
    }
}
