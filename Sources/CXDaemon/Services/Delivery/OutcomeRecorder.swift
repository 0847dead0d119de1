import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import Foundation
import Logging

/// A batch that came back from its notifier, ready to be recorded: what was sent, what came
/// back and when that was known. Kept as is (in memory) while the store cannot take it, so that
/// its messages are recorded later rather than sent again.
struct SentBatch: Sendable {
    var messages: [DueMessage]
    /// One per message.
    var outcomes: [DeliveryOutcome]
    var finishedAt: Date
    /// One number in 0..<1 per message for the retry jitter, drawn once so that writing the
    /// batch again gives the same result.
    var jitter: [Double]

    var ids: [Int64] { messages.compactMap(\.message.id) }
}

/// What recording a batch did, for the lane and the log.
struct RecordResult: Sendable {
    var delivered = 0
    var endpointGone = false
    /// Notifiers that got new messages (alerts to the operators): their lanes are woken.
    var queuedFor: Set<String> = []
    /// What to log once the transaction committed.
    var log: [LogLine] = []
    /// What to count once the transaction committed.
    var outcomes: [RecordedOutcome] = []

    /// Logs and counts what was recorded; call after the transaction committed.
    func report(to logger: Logger) {
        for line in log { line.write(to: logger) }
        for outcome in outcomes { DaemonMetrics.record(outcome) }
    }
}

/// A log entry decided inside a transaction and written only after it committed.
struct LogLine: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: Logger.Metadata

    func write(to logger: Logger) {
        logger.log(level: level, "\(message)", metadata: metadata)
    }
}

/// The "record" stage: writes one batch's outcomes, the notifier's health and the alerts they
/// cause in one transaction, so that a crash leaves all of it or none.
struct OutcomeRecorder: Sendable {
    let notifier: String
    let configuration: Configuration

    private var alertAfter: TimeInterval { configuration.delivery.alertAfter.timeInterval }

    func record(_ batch: SentBatch, in tx: StoreTransaction) throws -> RecordResult {
        let policy = RetryPolicy(configuration.delivery)
        var result = RecordResult()
        var verdict = BatchVerdict(at: batch.finishedAt)
        var delivered: [Int64] = []
        for (index, due) in batch.messages.enumerated() {
            guard let id = due.message.id else { continue }
            let outcome = index < batch.outcomes.count
                ? batch.outcomes[index] : .retry(reason: "the notifier gave no outcome", after: nil)
            let change = OutcomeChange.decide(
                outcome, for: due, at: batch.finishedAt, policy: policy, random: batch.jitter[index])
            let metadata: Logger.Metadata = ["notifier": "\(notifier)", "key": "\(due.message.key)"]
            let counted: String? = switch change {
            case .delivered: "delivered"
            case .retry, .waitForEnable: "failed"
            case .dead: "dead"
            case .notSent: nil
            }
            if let counted {
                result.outcomes.append(RecordedOutcome(
                    notifier: notifier, kind: due.message.kind, result: counted,
                    latency: batch.finishedAt.timeIntervalSince(due.message.nextAttemptAt)))
            }
            switch change {
            case .delivered:
                delivered.append(id)
                verdict.delivered += 1
                // Each delivery is on record in the outbox (`cxd outbox --status delivered`);
                // at info level a burst of 10,000 reminders would be 10,000 log lines.
                result.log.append(LogLine(level: .debug, message: "delivered", metadata: metadata))
            case .retry(let error, let backoff):
                // A retry, like a first attempt, waits for the recipient's working hours.
                let next = configuration.earliestDelivery(of: due.message.kind, to: due.message.recipient, at: backoff)
                try tx.recordFailure(id, error: error, retryAt: next)
                result.log.append(LogLine(
                    level: .warning, message: "delivery failed; retrying",
                    metadata: metadata.merging(["error": "\(error)", "next_attempt": "\(Timestamp.iso(next))"]) { $1 }))
            case .dead(let error):
                try tx.recordDead(id, error: error)
                if !due.message.kind.hasPrefix("notifier.") { verdict.dead += 1 }
                result.log.append(LogLine(
                    level: .error, message: "delivery failed; message is dead",
                    metadata: metadata.merging(["error": "\(error)"]) { $1 }))
            case .waitForEnable(let error):
                try tx.recordFailure(id, error: error, retryAt: nil)
                result.endpointGone = true
                if try tx.disableNotifier(notifier, reason: error, at: batch.finishedAt) {
                    let alerts = OperatorAlert.notifierDisabled(
                        notifier, reason: error, configuration: configuration, at: batch.finishedAt)
                    try queue(alerts, into: &result, tx)
                    result.log.append(LogLine(
                        level: .critical,
                        message: "endpoint gone; notifier disabled until `cxd notify enable \(notifier)`, its messages wait",
                        metadata: metadata.merging(["error": "\(error)", "alerts": "\(alerts.count)"]) { $1 }))
                }
            case .notSent:
                try tx.releaseClaim(id)
            }
            if change.isFailure {
                verdict.failed += 1
                verdict.lastError = change.error
            }
        }
        try tx.recordDelivered(delivered, at: batch.finishedAt)
        var health = try tx.health(of: notifier)
        let before = health
        let alerts = health.record(verdict, alertAfter: alertAfter)
        // Most batches leave a healthy notifier healthy: no write, so that several nodes'
        // dispatchers do not queue on the one row of each notifier.
        if health != before { try tx.save(health) }
        try queue(alerts, at: batch.finishedAt, into: &result, tx)
        result.delivered = verdict.delivered
        return result
    }

    /// Reports the dead messages waiting to be reported, if that is due at `now`.
    func reportDeadLettersIfDue(at now: Date, in tx: StoreTransaction) throws -> RecordResult {
        var result = RecordResult()
        var health = try tx.health(of: notifier)
        guard let due = health.deadLettersDue(alertAfter: alertAfter), due <= now,
              let alert = health.reportDeadLetters(at: now, alertAfter: alertAfter)
        else { return result }
        try tx.save(health)
        try queue([alert], at: now, into: &result, tx)
        return result
    }

    private func queue(_ alerts: [HealthAlert], at now: Date, into result: inout RecordResult, _ tx: StoreTransaction) throws {
        for alert in alerts {
            let messages: [OutboxMessage]
            let metadata: Logger.Metadata = ["notifier": "\(notifier)"]
            switch alert {
            case .failing(let since, let lastError):
                messages = OperatorAlert.notifierFailing(
                    notifier, since: since, lastError: lastError, configuration: configuration, at: now)
                result.log.append(LogLine(
                    level: .error, message: "every delivery has failed since \(Timestamp.iso(since)); operators alerted",
                    metadata: metadata))
            case .recovered(let since):
                messages = OperatorAlert.notifierRecovered(notifier, since: since, configuration: configuration, at: now)
                result.log.append(LogLine(
                    level: .notice, message: "delivers again after failing since \(Timestamp.iso(since)); operators told",
                    metadata: metadata))
            case .deadLetters(let count, let number, let lastError):
                messages = OperatorAlert.deadLetters(
                    notifier, count: count, number: number, lastError: lastError, configuration: configuration, at: now)
                result.log.append(LogLine(
                    level: .error, message: "\(count) message(s) went dead; operators told", metadata: metadata))
            }
            if messages.isEmpty {
                result.log.append(LogLine(
                    level: .warning, message: "no operator notifier other than this one: nobody can be told",
                    metadata: metadata))
            }
            try queue(messages, into: &result, tx)
        }
    }

    private func queue(_ messages: [OutboxMessage], into result: inout RecordResult, _ tx: StoreTransaction) throws {
        if try tx.enqueue(messages) > 0 { result.queuedFor.formUnion(messages.map(\.notifier)) }
    }
}
