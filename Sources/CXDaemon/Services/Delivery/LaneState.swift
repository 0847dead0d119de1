import CXConfig
import CXEngine
import CXStore
import Logging
import Synchronization

/// The lane's own bookkeeping, touched only by its loop.
struct LaneState {
    /// Batches in flight and their message ids.
    var inFlight: [Int: Set<Int64>] = [:]
    var nextBatch = 0
    /// Outcomes the store refused, oldest first: written later, their messages never re-sent.
    var unrecorded: [SentBatch] = []
    var flushing = false
    var flushedAfterShutdown = false
    /// The store refused a write: nothing new is sent until it takes one again.
    var storeTroubled = false
    var storeRetryDue = false
    var storeFailures = 0
    var storeBackoff: Duration = .zero
    var shuttingDown = false
    var graceOver = false
    /// The store is gone for good: the lane stops with this error.
    var fatal: (any Error)?
    var summary = LaneSummary()

    /// Messages that must not be selected: in flight, or sent with their outcome not recorded.
    var excluded: Set<Int64> {
        var ids = Set(inFlight.values.joined())
        for batch in unrecorded { ids.formUnion(batch.ids) }
        return ids
    }

    mutating func handle(_ event: LaneEvent, lane: DeliveryLane, timers: LaneTimers) {
        switch event {
        case .wake, .due:
            break
        case .sent(let batch, .recorded(let result)):
            inFlight[batch] = nil
            summary.delivered += result.delivered
            summary.queuedFor.formUnion(result.queuedFor)
            if storeTroubled, !flushing { storeRecovered() }
        case .sent(let batch, .unrecorded(let sent, let error)):
            inFlight[batch] = nil
            unrecorded.append(sent)
            storeFailed(error, lane: lane, timers: timers)
        case .abandoned(let batch):
            inFlight[batch] = nil
        case .storeRetry:
            storeRetryDue = true
        case .flushed(let recorded, let error):
            flushing = false
            unrecorded.removeFirst(min(recorded, unrecorded.count))
            if let error { storeFailed(error, lane: lane, timers: timers) } else { storeRecovered() }
        case .shutdown:
            shuttingDown = true
            timers.cancel(.due)
            let grace = lane.environment.holder.current.engine.configuration.delivery.shutdownGrace
            timers.arm(.grace, after: grace, event: .graceOver)
        case .graceOver:
            graceOver = true
        }
    }

    /// The store refused a write: wait (doubling the wait each time) before trying again.
    mutating func storeFailed(_ error: any Error, lane: DeliveryLane, timers: LaneTimers) {
        // A database deleted or replaced under the daemon is not a passing trouble: stop.
        if let error = error as? StoreError, error.isIdentityLost {
            fatal = error
            return
        }
        if !storeTroubled {
            lane.environment.logger.warning(
                "the store refused a write; delivery of this notifier waits for it",
                metadata: ["notifier": "\(lane.notifier)", "error": "\(error)"])
        }
        storeTroubled = true
        storeFailures += 1
        storeBackoff = storeBackoff == .zero
            ? DeliveryLane.firstStoreRetry : min(storeBackoff * 2, DeliveryLane.longestStoreRetry)
        timers.arm(.storeRetry, after: storeBackoff, event: .storeRetry)
    }

    /// The store took a write: when nothing waits to be recorded, deliveries go on.
    mutating func storeRecovered() {
        if !unrecorded.isEmpty {
            storeRetryDue = true
            return
        }
        storeTroubled = false
        storeRetryDue = false
        storeFailures = 0
        storeBackoff = .zero
    }
}

/// Set when a batch met a gone endpoint, until the lane has seen that batch's outcome: no new
/// batch starts meanwhile.
final class HaltFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
    func clear() { value.withLock { $0 = false } }
}
