import NIOCore
import Synchronization

/// Idle connections per endpoint. A request takes one (the most recently used, preferably on
/// its own event loop) or opens a new one; an answer that leaves it open puts it back. Idle
/// connections close after `idleTimeout`, checked by one timer that exists only while some
/// are idle (an idle daemon is not woken up); beyond `maximumIdle` per endpoint they close at once.
final class HTTPConnectionPool: Sendable {
    private struct Idle {
        var connection: HTTPConnection
        var since: NIODeadline
    }

    private struct State {
        var idle: [HTTPEndpoint: [Idle]] = [:]
        /// When the timer that closes expired connections fires; nil when none is set.
        var sweepAt: NIODeadline?
    }

    let idleTimeout: TimeAmount
    let maximumIdle: Int
    private let state = Mutex(State())

    init(idleTimeout: TimeAmount, maximumIdle: Int) {
        self.idleTimeout = idleTimeout
        self.maximumIdle = maximumIdle
    }

    /// An open idle connection to `endpoint`, preferably on `loop`; nil when there is none.
    func lease(_ endpoint: HTTPEndpoint, preferring loop: (any EventLoop)?) -> HTTPConnection? {
        state.withLock { state in
            guard var idle = state.idle[endpoint] else { return nil }
            // Connections the server closed meanwhile just go.
            idle.removeAll { !$0.connection.channel.isActive }
            var index = idle.indices.last
            if let loop, let local = idle.lastIndex(where: { $0.connection.eventLoop === loop }) { index = local }
            let leased = index.map { idle.remove(at: $0).connection }
            state.idle[endpoint] = idle.isEmpty ? nil : idle
            return leased
        }
    }

    /// Takes back a connection whose exchange ended with the connection open.
    func release(_ connection: HTTPConnection) {
        let now = NIODeadline.now()
        let (accepted, sweep) = state.withLock { state -> (Bool, NIODeadline?) in
            var idle = state.idle[connection.endpoint] ?? []
            guard idle.count < maximumIdle else { return (false, nil) }
            idle.append(Idle(connection: connection, since: now))
            state.idle[connection.endpoint] = idle
            guard state.sweepAt == nil else { return (true, nil) }
            state.sweepAt = now + idleTimeout
            return (true, state.sweepAt)
        }
        if !accepted { connection.retire() }
        if let sweep { schedule(sweep, on: connection.eventLoop) }
    }

    /// Closes the connections idle for `idleTimeout` and sets the timer for the next ones.
    private func sweep(on loop: any EventLoop) {
        let now = NIODeadline.now()
        let (expired, next) = state.withLock { state -> ([HTTPConnection], NIODeadline?) in
            var expired: [HTTPConnection] = []
            var earliest: NIODeadline?
            for (endpoint, idle) in state.idle {
                var kept: [Idle] = []
                for entry in idle {
                    if entry.since + idleTimeout <= now || !entry.connection.channel.isActive {
                        expired.append(entry.connection)
                    } else {
                        kept.append(entry)
                        earliest = min(earliest ?? entry.since, entry.since)
                    }
                }
                state.idle[endpoint] = kept.isEmpty ? nil : kept
            }
            state.sweepAt = earliest.map { $0 + idleTimeout }
            return (expired, state.sweepAt)
        }
        for connection in expired { connection.retire() }
        if let next { schedule(next, on: loop) }
    }

    private func schedule(_ deadline: NIODeadline, on loop: any EventLoop) {
        loop.scheduleTask(deadline: deadline) { [self] in sweep(on: loop) }
    }
}
