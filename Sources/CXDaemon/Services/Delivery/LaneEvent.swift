import Synchronization

/// What a delivery lane reacts to. Lanes never share state: batches, timers and the
/// dispatcher talk to a lane only through these.
enum LaneEvent: Sendable {
    /// Messages may have become due: the scheduler queued some, a CLI command changed the
    /// outbox, another lane queued an alert, or the lane starts.
    case wake
    /// The lane's next due time came.
    case due
    /// A batch came back from its notifier; its outcomes are recorded or kept in memory.
    case sent(batch: Int, SendReport)
    /// A batch was cancelled (shutdown): its messages stay pending.
    case abandoned(batch: Int)
    /// Time to try the store again after it refused a write.
    case storeRetry
    /// A retry of outcomes kept in memory ended: the first `recorded` were written.
    case flushed(recorded: Int, error: (any Error)?)
    /// Graceful shutdown began: finish the sends in flight, start no more.
    case shutdown
    /// The shutdown grace is over: cancel what is still in flight.
    case graceOver
}

/// How a batch's recording went.
enum SendReport: Sendable {
    case recorded(RecordResult)
    /// The store could not take the outcomes (another process holds the write lock, say): they
    /// are kept and written later, never sent again.
    case unrecorded(SentBatch, error: any Error)
}

/// The running lanes by notifier name, so that the dispatcher can wake and stop them and a
/// lane can wake another after queuing alerts for it.
final class LaneDirectory: Sendable {
    private let lanes = Mutex<[String: AsyncStream<LaneEvent>.Continuation]>([:])

    /// Registers a lane; false when one runs for `name` already.
    func add(_ name: String, _ continuation: AsyncStream<LaneEvent>.Continuation) -> Bool {
        lanes.withLock { lanes in
            guard lanes[name] == nil else { return false }
            lanes[name] = continuation
            return true
        }
    }

    var names: Set<String> { lanes.withLock { Set($0.keys) } }

    /// Posts `event` to the lanes named (every lane when `names` is nil).
    func post(_ event: LaneEvent, to names: Set<String>? = nil) {
        let targets = lanes.withLock { lanes in
            names.map { names in lanes.filter { names.contains($0.key) }.map(\.value) } ?? Array(lanes.values)
        }
        for continuation in targets { continuation.yield(event) }
    }
}
