import CXConfig
import CXNotifiers
import CXStore
import Foundation
import Logging
import ServiceLifecycle

/// Drains the outbox like Alertmanager's notification pipeline, one stage at a time:
/// 1. select the due messages of enabled notifiers (`dueMessages`),
/// 2. group them per notifier, so that a failing webhook never holds back the email of the
///    same reminder (every outbox row is one notifier and one recipient),
/// 3. send in batches, at most `delivery.concurrency` batches in flight per notifier,
/// 4. record each outcome: delivered, retry with backoff and jitter (honouring Retry-After),
///    dead when permanent or older than `delivery.max_age`; an endpoint gone (410) disables
///    its notifier and tells the operators through another one.
/// A message is marked delivered only after its notifier succeeded, so a crash in between
/// causes at most one duplicate carrying the same idempotency key.
public struct Dispatcher: Service {
    let holder: EngineHolder
    let wake: WakeSignal
    let clock: @Sendable () -> Date
    /// A number in 0..<1 for the retry jitter; injected so tests are exact.
    let random: @Sendable () -> Double
    let logger: Logger

    public init(
        holder: EngineHolder, wake: WakeSignal, clock: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger
    ) {
        self.holder = holder
        self.wake = wake
        self.clock = clock
        self.random = random
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while true {
                let next: Date?
                do {
                    next = try await drain(at: clock())
                } catch {
                    logger.error("outbox: \(error)")
                    next = clock().addingTimeInterval(5)
                }
                if await wake.wait(until: next, now: clock()) == .shutdown { return }
            }
        } onGracefulShutdown: {
            Task { await wake.wake(.shutdown) }
        }
    }

    /// Delivers every message due at `now`; returns when the next pending one is due.
    @discardableResult
    public func drain(at now: Date) async throws -> Date? {
        let current = holder.current
        let store = current.engine.store
        // Each round takes what is due; failures are rescheduled after `now`, so rounds end.
        for _ in 0..<1000 {
            let due = try store.read { tx in try tx.dueMessages(at: now) }
            if due.isEmpty { break }
            let groups = Dictionary(grouping: due, by: \.notifier)
            let recorded = await withTaskGroup(of: Bool.self) { group in
                for (name, messages) in groups {
                    group.addTask { await deliver(messages, via: name, current: current, at: now) }
                }
                return await group.reduce(true) { $0 && $1 }
            }
            // Outcomes that could not be written would leave delivered messages pending: stop
            // here rather than send them again at once; the run loop retries in a few seconds.
            guard recorded else { throw DispatcherError.cannotRecordOutcomes }
        }
        return try store.read { tx in try tx.nextAttemptAt() }
    }

    /// Sends one notifier's messages in batches, a bounded number at a time. Returns false
    /// when an outcome could not be recorded.
    private func deliver(_ messages: [OutboxMessage], via name: String, current: EngineHolder.Current, at now: Date) async -> Bool {
        let settings = current.engine.configuration.delivery
        guard let notifier = current.notifiers[name] else {
            return record(messages.map { ($0, .failed(reason: "notifier '\(name)' is not configured")) }, current: current, at: now)
        }
        let batches = stride(from: 0, to: messages.count, by: settings.batchSize).map {
            Array(messages[$0..<min($0 + settings.batchSize, messages.count)])
        }
        return await withTaskGroup(of: Bool.self) { group in
            var inFlight = 0
            var recorded = true
            for batch in batches {
                if inFlight == settings.concurrency {
                    recorded = await group.next() == true && recorded
                    inFlight -= 1
                }
                group.addTask {
                    let outcomes = await notifier.deliver(batch: batch)
                    let paired = batch.enumerated().map { index, message in
                        (message, index < outcomes.count ? outcomes[index] : .retry(reason: "the notifier gave no outcome", after: nil))
                    }
                    return record(paired, current: current, at: now)
                }
                inFlight += 1
            }
            for await result in group { recorded = result && recorded }
            return recorded
        }
    }

    /// Writes the outcomes of one batch in one transaction; false when that failed.
    private func record(_ results: [(OutboxMessage, DeliveryOutcome)], current: EngineHolder.Current, at now: Date) -> Bool {
        let configuration = current.engine.configuration
        let retry = RetryPolicy(configuration.delivery)
        do {
            try current.engine.store.write { tx in
                for (message, outcome) in results {
                    guard let id = message.id else { continue }
                    switch outcome {
                    case .delivered:
                        try tx.markDelivered(id, at: now)
                        logger.info("delivered \(message.kind) to \(message.recipient) via \(message.notifier)")
                    case .retry(let reason, let after):
                        let suggested = after.map { TimeInterval($0.components.seconds) }
                        let next = retry.nextAttempt(
                            after: message.attempts + 1, createdAt: message.createdAt, now: now, suggested: suggested,
                            random: random())
                        try tx.markFailed(id, error: reason, retryAt: next)
                        if let next {
                            logger.warning("\(message.notifier): \(reason); retrying \(message.key) at \(next)")
                        } else {
                            logger.error("\(message.notifier): \(reason); \(message.key) is dead (older than delivery.max_age)")
                        }
                    case .failed(let reason):
                        try tx.markFailed(id, error: reason, retryAt: nil)
                        logger.error("\(message.notifier): \(reason); \(message.key) is dead")
                    case .endpointGone(let reason):
                        try tx.markFailed(id, error: reason, retryAt: nil)
                        try tx.disableNotifier(message.notifier, reason: reason, at: now)
                        let alerts = OperatorAlert.notifierDisabled(
                            message.notifier, reason: reason, configuration: configuration, at: now)
                        try tx.enqueue(alerts)
                        logger.critical(
                            "\(message.notifier): \(reason); notifier disabled, \(alerts.count) operator alert(s) queued; `cxd notify enable \(message.notifier)` after fixing it")
                    }
                }
            }
            return true
        } catch {
            logger.error("outbox: cannot record delivery outcomes: \(error)")
            return false
        }
    }
}

enum DispatcherError: Error, CustomStringConvertible {
    case cannotRecordOutcomes

    var description: String { "delivery outcomes could not be recorded; retrying shortly" }
}
