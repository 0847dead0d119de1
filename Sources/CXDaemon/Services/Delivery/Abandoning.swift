import Synchronization

/// Runs `operation` in a task of its own and waits for its result. When the waiting task is
/// cancelled, the operation is cancelled too and abandoned at once: the answer is nil and the
/// operation's eventual result is dropped. A notifier that ignores cancellation (a blocking
/// plugin, a library call that cannot be interrupted) therefore never holds up a shutdown.
func abandoningOnCancel<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T? {
    let meeting = Meeting<T>()
    let task = Task { meeting.resolve(await operation()) }
    return await withTaskCancellationHandler {
        await meeting.wait()
    } onCancel: {
        task.cancel()
        meeting.resolve(nil)
    }
}

/// A value handed over once between a producer and one waiter, whichever comes first.
private final class Meeting<T: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<T?, Never>)
        case resolved(T?)
        case done
    }

    private let state = Mutex<State>(.empty)

    /// The first call wins; later ones are ignored.
    func resolve(_ value: T?) {
        let waiter = state.withLock { state -> CheckedContinuation<T?, Never>? in
            switch state {
            case .empty:
                state = .resolved(value)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .resolved, .done:
                return nil
            }
        }
        waiter?.resume(returning: value)
    }

    func wait() async -> T? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> T?? in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return .none
                case .resolved(let value):
                    state = .done
                    return .some(value)
                case .waiting, .done:
                    preconditionFailure("a meeting has one waiter")
                }
            }
            if case .some(let value) = ready { continuation.resume(returning: value) }
        }
    }
}
