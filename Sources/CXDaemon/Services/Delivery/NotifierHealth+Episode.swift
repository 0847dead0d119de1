import CXStore
import Foundation

/// What the operators are told about a notifier's health.
enum HealthAlert: Equatable, Sendable {
    /// Every attempt has failed since `since` (for at least `delivery.alert_after`).
    case failing(since: Date, lastError: String)
    /// It delivers again after the failures that began at `since`.
    case recovered(since: Date)
    /// `count` messages went dead since the last report; `number` names this report.
    case deadLetters(count: Int, number: Int, lastError: String?)
}

/// What one recorded batch says about its notifier.
struct BatchVerdict: Equatable, Sendable {
    var delivered = 0
    /// Attempts that failed (retried or given up).
    var failed = 0
    /// Messages that went dead, not counting alerts about delivery itself (so that lost alerts
    /// never feed more alerts).
    var dead = 0
    var lastError: String?
    /// When the batch's outcomes were known.
    var at: Date
}

/// The failure episodes of a notifier, as a small state machine over `NotifierHealth`: each
/// event changes the record and returns the alerts it causes. Pure: the recorder stores the
/// record and queues the alerts in the same transaction as the outcomes.
extension NotifierHealth {
    /// A batch's outcomes were recorded. `alertAfter`: how long every attempt must fail before
    /// the operators are told, and how often dead messages are reported at most.
    mutating func record(_ verdict: BatchVerdict, alertAfter: TimeInterval) -> [HealthAlert] {
        var alerts: [HealthAlert] = []
        var recovered = false
        if verdict.delivered > 0 {
            if let since = failingSince {
                if failingAlertedAt != nil { alerts.append(.recovered(since: since)) }
                failingSince = nil
                failingAlertedAt = nil
                recovered = true
            }
        } else if verdict.failed > 0 {
            let since = failingSince ?? verdict.at
            failingSince = since
            lastFailureAt = verdict.at
            if failingAlertedAt == nil, verdict.at.timeIntervalSince(since) >= alertAfter {
                alerts.append(.failing(since: since, lastError: verdict.lastError ?? lastError ?? "unknown error"))
                failingAlertedAt = verdict.at
            }
        }
        if let error = verdict.lastError { lastError = error }
        deadUnreported += verdict.dead
        // Deaths are reported at once, then at most once per `alertAfter`; a recovery reports
        // what is left.
        if let report = reportDeadLetters(at: verdict.at, alertAfter: alertAfter, now: recovered) {
            alerts.append(report)
        }
        return alerts
    }

    /// Reports the dead messages not reported yet, unless the last report is more recent than
    /// `alertAfter` (and `now` is false).
    mutating func reportDeadLetters(at time: Date, alertAfter: TimeInterval, now: Bool = false) -> HealthAlert? {
        guard deadUnreported > 0 else { return nil }
        if !now, let last = deadReportedAt, time.timeIntervalSince(last) < alertAfter { return nil }
        deadReports += 1
        deadReportedAt = time
        defer { deadUnreported = 0 }
        return .deadLetters(count: deadUnreported, number: deadReports, lastError: lastError)
    }

    /// When the dead messages waiting to be reported are due to be, if any wait.
    func deadLettersDue(alertAfter: TimeInterval) -> Date? {
        guard deadUnreported > 0 else { return nil }
        return deadReportedAt.map { $0.addingTimeInterval(alertAfter) } ?? .distantPast
    }
}
