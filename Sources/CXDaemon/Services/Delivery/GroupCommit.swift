import CXStore
import Synchronization

/// The "record" stage's transactions, shared by every lane: writes that arrive while one
/// transaction commits go together into the next, each in a savepoint of its own.
///
/// A commit costs a sync of the write-ahead log (about a millisecond on a virtual disk) however
/// little it holds, and each batch is written twice (its claim before the send, with the other
/// batches its lane starts then, and its outcomes after).
/// With many batches in flight this turns a commit per write into a commit per burst of writes.
/// Nothing else changes: `write` returns only once its transaction is committed, so a claim is
/// still durable before its batch is sent and a batch counts as recorded only once it is; a
/// write that throws is undone alone (its savepoint), and a transaction that fails fails every
/// write it held, each as if it had been on its own.
final class GroupCommit: Sendable {
    /// One write waiting for a transaction: `run` does it inside the transaction and returns
    /// what to do once that commits; `fail` answers when the transaction failed.
    private struct Job: Sendable {
        var run: @Sendable (StoreTransaction) throws -> @Sendable () -> Void
        var fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var finished = false
    }

    private let store: Store
    private let queue = Mutex(Queue())
    /// Rung when jobs are queued; holds at most one ring.
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    init(store: Store) {
        self.store = store
        (doorbell, ring) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs `body` in the next transaction and returns its result once that committed. After
    /// `finish()` (a batch abandoned at shutdown still recording), it writes on its own.
    func write<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        let store = self.store
        let queued: T? = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T?, any Error>) in
            let job = Job(
                run: { tx in
                    let result = Result { try tx.isolating { try body(tx) } }
                    // Another writer's change (a conflict, a deadlock PostgreSQL broke): the whole
                    // transaction runs again, every job with it, rather than fail this job alone.
                    if case .failure(let error) = result, Store.isRetryable(error) { throw error }
                    return { continuation.resume(with: result.map { $0 }) }
                },
                fail: { error in continuation.resume(throwing: error) })
            let accepted = queue.withLock { queue in
                guard !queue.finished else { return false }
                queue.jobs.append(job)
                return true
            }
            if accepted { ring.yield() } else { continuation.resume(returning: nil) }
        }
        if let queued { return queued }
        return try await store.write(body)
    }

    /// Commits what is queued, burst after burst, until `finish()` (or cancellation); then
    /// what is still queued, and later writes go straight to the store.
    func run() async {
        for await _ in doorbell {
            while await commitQueued(finishing: false) {}
        }
        _ = await commitQueued(finishing: true)
    }

    /// One transaction for every queued write; false when none was queued.
    private func commitQueued(finishing: Bool) async -> Bool {
        let jobs = queue.withLock { queue in
            if finishing { queue.finished = true }
            defer { queue.jobs = [] }
            return queue.jobs
        }
        if jobs.isEmpty { return false }
        do {
            let completions = try await store.write { tx in try jobs.map { try $0.run(tx) } }
            for complete in completions { complete() }
        } catch {
            for job in jobs { job.fail(error) }
        }
        return true
    }

    /// Ends `run()` once what is queued is committed.
    func finish() {
        ring.finish()
    }
}
