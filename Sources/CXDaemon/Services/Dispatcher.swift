import CXNotifiers
import CXStore
import Foundation
import Logging
import ServiceLifecycle

/// Drains the outbox: hands each due message to its notifier, records the outcome, retries
/// temporary failures with backoff. A message is marked delivered only after its notifier
/// succeeded, so a crash in between causes at most one duplicate with the same id.
public struct Dispatcher: Service {
    let holder: EngineHolder
    let wake: WakeSignal
    let retry: RetryPolicy
    let clock: @Sendable () -> Date
    let logger: Logger

    public init(
        holder: EngineHolder, wake: WakeSignal, retry: RetryPolicy = RetryPolicy(),
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.holder = holder
        self.wake = wake
        self.retry = retry
        self.clock = clock
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
        while true {
            let batch = try store.read { tx in try tx.dueMessages(at: now) }
            if batch.isEmpty { break }
            for message in batch {
                guard let id = message.id else { continue }
                guard let notifier = current.notifiers[message.notifier] else {
                    try store.write { tx in
                        try tx.markFailed(id, error: "notifier '\(message.notifier)' is not configured", retryAt: nil)
                    }
                    logger.error("outbox: message \(message.key) names unknown notifier '\(message.notifier)'")
                    continue
                }
                let outcome = await notifier.deliver(message)
                try record(outcome, of: message, id: id, in: store, at: now)
            }
        }
        return try store.read { tx in try tx.nextAttemptAt() }
    }

    private func record(_ outcome: DeliveryOutcome, of message: OutboxMessage, id: Int64, in store: Store, at now: Date) throws {
        switch outcome {
        case .delivered:
            try store.write { tx in try tx.markDelivered(id, at: now) }
            logger.info("delivered \(message.kind) to \(message.recipient) via \(message.notifier)")
        case .retry(let reason, let after):
            let suggested = after.map { Double($0.components.seconds) }
            let next = retry.nextAttempt(
                after: message.attempts + 1, createdAt: message.createdAt, now: now, suggested: suggested,
                random: Double.random(in: 0..<1))
            try store.write { tx in try tx.markFailed(id, error: reason, retryAt: next) }
            if let next {
                logger.warning("\(message.notifier): \(reason); retrying \(message.key) at \(next)")
            } else {
                logger.error("\(message.notifier): \(reason); giving up on \(message.key) (older than the maximum age)")
            }
        case .failed(let reason), .endpointGone(let reason):
            try store.write { tx in try tx.markFailed(id, error: reason, retryAt: nil) }
            logger.error("\(message.notifier): \(reason); \(message.key) is dead")
        }
    }
}
