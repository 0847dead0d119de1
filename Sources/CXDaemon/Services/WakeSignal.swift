import Foundation
import ServiceLifecycle

/// Why a sleeping service woke up.
public enum WakeReason: Sendable, Equatable {
    /// The time it asked to be woken at came.
    case timer
    /// Something changed in the store (a CLI command, new outbox messages).
    case changed
    /// SIGHUP: reload the configuration.
    case reload
    /// Graceful shutdown began, or the waiting task was cancelled: the service must return.
    case shutdown

    /// When several reasons arrive while nobody waits, the strongest is kept.
    fileprivate var strength: Int {
        switch self {
        case .timer: return 0
        case .changed: return 1
        case .reload: return 2
        case .shutdown: return 3
        }
    }
}

/// Lets a service sleep until a deadline or until someone wakes it, whichever comes first.
/// No polling: the only timer is the deadline the service asked for.
///
/// A wait always ends: on its deadline, on `wake`, on graceful shutdown and on cancellation of
/// the waiting task (then it answers `.shutdown`). A service group that cancels its services
/// after one of them failed therefore never hangs on a sleeping service.
public actor WakeSignal {
    private var pending: WakeReason?
    private var waiter: (id: Int, continuation: CheckedContinuation<WakeReason, Never>)?
    private var nextID = 0
    private var timer: Task<Void, Never>?
    /// Once shut down, every later wait returns at once.
    private var closed = false
    private let clock: any Clock<Duration>

    /// Sleeps of more than an hour are cut to an hour, so that a wall-clock jump (NTP, a VM
    /// resumed from suspend) is noticed within the hour.
    public static let longestSleep: TimeInterval = 3600

    /// `clock` measures the sleeps; tests pass a clock they advance by hand.
    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
    }

    public func wake(_ reason: WakeReason) {
        if reason == .shutdown { closed = true }
        if let waiter {
            finish(waiter.id, with: reason)
        } else if (pending?.strength ?? -1) < reason.strength {
            pending = reason
        }
    }

    /// Waits until `deadline` (nil: until woken), returning why it woke.
    public func wait(until deadline: Date?, now: Date = Date()) async -> WakeReason {
        if closed || Task.isCancelled { return .shutdown }
        if let reason = pending {
            pending = nil
            return reason
        }
        if let deadline, deadline <= now { return .timer }
        nextID += 1
        let id = nextID
        return await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WakeReason, Never>) in
                // Runs on this actor before the first suspension: a cancellation or shutdown
                // that came first is seen here, a later one reaches `finish` below.
                if closed || Task.isCancelled {
                    continuation.resume(returning: .shutdown)
                    return
                }
                waiter = (id, continuation)
                if let deadline {
                    let seconds = min(deadline.timeIntervalSince(now), Self.longestSleep)
                    let clock = self.clock
                    timer = Task { [weak self] in
                        do {
                            try await clock.sleep(for: .milliseconds(Int64(seconds * 1000) + 1), tolerance: nil)
                        } catch {
                            return
                        }
                        await self?.finish(id, with: .timer)
                    }
                }
            }
        } onCancelOrGracefulShutdown: { [weak self] in
            guard let signal = self else { return }
            Task { await signal.stopWaiting(id) }
        }
    }

    private func stopWaiting(_ id: Int) {
        closed = true
        finish(id, with: .shutdown)
    }

    private func finish(_ id: Int, with reason: WakeReason) {
        guard let waiter, waiter.id == id else {
            if reason == .shutdown { pending = .shutdown }
            return
        }
        self.waiter = nil
        timer?.cancel()
        timer = nil
        waiter.continuation.resume(returning: reason)
    }
}
