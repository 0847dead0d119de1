import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Sleeps until the next instant anything is due, evaluates, and sleeps again. Woken early by
/// SIGUSR1 (a CLI command changed the store) and SIGHUP (reload the configuration).
public struct Scheduler: Service {
    let holder: EngineHolder
    let wake: WakeSignal
    let dispatcherWake: WakeSignal
    let reload: @Sendable () throws -> EngineHolder.Current
    let clock: @Sendable () -> Date
    let logger: Logger

    public init(
        holder: EngineHolder, wake: WakeSignal, dispatcherWake: WakeSignal,
        reload: @escaping @Sendable () throws -> EngineHolder.Current,
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.holder = holder
        self.wake = wake
        self.dispatcherWake = dispatcherWake
        self.reload = reload
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await signal in signals {
                        let reason: WakeReason = signal == .sighup ? .reload : .changed
                        await wake.wake(reason)
                        await dispatcherWake.wake(.changed)
                    }
                }
                try holder.current.engine.reconcile(at: clock())
                await loop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await wake.wake(.shutdown) }
        }
    }

    private func loop() async {
        while true {
            var next: Date?
            do {
                let report = try holder.current.engine.evaluate(at: clock())
                next = report.nextWake
                if report.queued > 0 { await dispatcherWake.wake(.changed) }
                logger.debug("evaluated: \(report.transitions) changed, \(report.queued) queued, next at \(next.map { "\($0)" } ?? "never")")
            } catch {
                logger.error("evaluation failed: \(error); trying again in 5 s")
                next = clock().addingTimeInterval(5)
            }
            switch await wake.wait(until: next, now: clock()) {
            case .shutdown: return
            case .reload:
                if applyReload() { await dispatcherWake.wake(.changed) }
            case .timer, .changed: continue
            }
        }
    }

    /// Reloads the YAML; an invalid configuration is reported and the running one kept.
    /// Returns whether the new configuration is in force.
    private func applyReload() -> Bool {
        do {
            let fresh = try reload()
            let report = try fresh.engine.reconcile(at: clock())
            holder.replace(with: fresh)
            logger.info("configuration reloaded: \(report.transitions) initiative(s) changed, \(report.queued) notification(s) queued")
            return true
        } catch {
            logger.error("reload refused, keeping the running configuration:\n\(error)")
            return false
        }
    }
}
