import Foundation

/// Why a sleeping service woke up.
public enum WakeReason: Sendable, Equatable {
    /// The time it asked to be woken at came.
    case timer
    /// Something changed in the store (a CLI command, new outbox messages).
    case changed
    /// SIGHUP: reload the configuration.
    case reload
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
public actor WakeSignal {
    private var pending: WakeReason?
    private var waiter: CheckedContinuation<WakeReason, Never>?
    private var generation = 0
    private var timer: Task<Void, Never>?

    /// Sleeps of more than an hour are cut to an hour, so that a wall-clock jump (NTP, a VM
    /// resumed from suspend) is noticed within the hour.
    public static let longestSleep: TimeInterval = 3600

    public init() {}

    public func wake(_ reason: WakeReason) {
        if let waiter {
            self.waiter = nil
            timer?.cancel()
            waiter.resume(returning: reason)
        } else if (pending?.strength ?? -1) < reason.strength {
            pending = reason
        }
    }

    /// Waits until `deadline` (nil: until woken), returning why it woke.
    public func wait(until deadline: Date?, now: Date = Date()) async -> WakeReason {
        if let reason = pending {
            pending = nil
            return reason
        }
        if let deadline, deadline <= now { return .timer }
        generation += 1
        let current = generation
        return await withCheckedContinuation { continuation in
            waiter = continuation
            if let deadline {
                let seconds = min(deadline.timeIntervalSince(now), Self.longestSleep)
                timer = Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000) + 1))
                    guard !Task.isCancelled else { return }
                    await self?.timerFired(generation: current)
                }
            }
        }
    }

    private func timerFired(generation fired: Int) {
        guard fired == generation, let waiter else { return }
        self.waiter = nil
        waiter.resume(returning: .timer)
    }
}
