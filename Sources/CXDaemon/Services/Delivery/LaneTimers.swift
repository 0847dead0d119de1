import Synchronization

/// A lane's timers: each slot holds at most one sleeping task, re-armed as needed.
final class LaneTimers: Sendable {
    enum Slot: Hashable, Sendable {
        case due, storeRetry, grace
    }

    private let clock: any Clock<Duration>
    private let post: AsyncStream<LaneEvent>.Continuation
    private let tasks = Mutex<[Slot: Task<Void, Never>]>([:])

    init(clock: any Clock<Duration>, post: AsyncStream<LaneEvent>.Continuation) {
        self.clock = clock
        self.post = post
    }

    /// Posts `event` after `delay` on the clock, replacing what the slot held.
    func arm(_ slot: Slot, after delay: Duration, event: LaneEvent) {
        let clock = self.clock
        let post = self.post
        let task = Task {
            do {
                try await clock.sleep(for: delay, tolerance: nil)
            } catch {
                return
            }
            post.yield(event)
        }
        tasks.withLock { $0.updateValue(task, forKey: slot) }?.cancel()
    }

    func cancel(_ slot: Slot) {
        tasks.withLock { $0.removeValue(forKey: slot) }?.cancel()
    }

    func cancelAll() {
        for task in tasks.withLock({ tasks in defer { tasks = [:] }; return Array(tasks.values) }) { task.cancel() }
    }
}
