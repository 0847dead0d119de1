import CXCore
import CXEngine
import CXStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Sleeps until the next instant anything is due, evaluates, and sleeps again. Woken early by
/// SIGUSR1 (a CLI command changed the store) and SIGHUP (reload the configuration).
///
/// Each evaluation touches only the initiatives the next-wake index says are due; the reconcile
/// before start-up and on reload makes every initiative due when the configuration that decides
/// their wakes changed (its fingerprint), and only the changed ones otherwise. A failure at start-up ends the
/// service with the error (the service group then stops the daemon, which exits non-zero); a
/// failure later is logged and retried with backoff, and one initiative's failure never stops
/// the others (see `Engine.evaluate`).
///
/// Under a systemd unit with `Type=notify` it tells the service manager `READY=1` once SIGHUP is
/// trapped, `RELOADING=1` and `READY=1` around each reload (applied or refused), and keeps the
/// unit's status line current (see `ServiceStatus`).
public struct Scheduler: Service {
    let holder: EngineHolder
    let wake: WakeSignal
    let dispatcherWake: WakeSignal
    let reload: @Sendable () throws -> EngineHolder.Current
    let clock: @Sendable () -> Date
    let logger: Logger
    /// Traps SIGHUP and SIGUSR1; off in tests that drive the loop by hand.
    let trapSignals: Bool
    /// The service manager's socket (nil: not run by a `Type=notify` unit).
    let serviceManager: NotifySocket?
    /// Called once the daemon is ready (its signals are trapped): `cxd run` says so in its log,
    /// so that whoever waits for that line can send SIGTERM and get a graceful stop.
    let onReady: @Sendable () async -> Void
    /// Whether this node evaluates: always on SQLite (the daemon lock makes it alone); on
    /// PostgreSQL only while it leads (`ClusterNode`), which wakes it when it starts leading.
    let leadership: Leadership

    public init(
        holder: EngineHolder, wake: WakeSignal, dispatcherWake: WakeSignal,
        reload: @escaping @Sendable () throws -> EngineHolder.Current,
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger, trapSignals: Bool = true,
        serviceManager: NotifySocket? = nil, leadership: Leadership = Leadership(leading: true),
        onReady: @escaping @Sendable () async -> Void = {}
    ) {
        self.onReady = onReady
        self.leadership = leadership
        self.holder = holder
        self.wake = wake
        self.dispatcherWake = dispatcherWake
        self.reload = reload
        self.clock = clock
        self.logger = logger
        self.trapSignals = trapSignals
        self.serviceManager = serviceManager
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            if trapSignals {
                let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
                group.addTask {
                    for await signal in signals {
                        let reason: WakeReason = signal == .sighup ? .reload : .changed
                        await wake.wake(reason)
                        await dispatcherWake.wake(.changed)
                    }
                }
            }
            // The caller reconciled the store with the YAML before starting the services
            // (`cxd run` does, to report a change the store cannot follow as bad input); that
            // reconcile made every initiative due if the configuration changed meanwhile.
            // Ready from here: SIGHUP is trapped, so a `systemctl reload` is heard.
            var status = ServiceStatusReporter(socket: serviceManager, status: ServiceStatus(initiatives: await watchedInitiatives()))
            status.update(sending: [.ready])
            await onReady()
            try await loop(reporting: &status)
            group.cancelAll()
        }
    }

    private func loop(reporting status: inout ServiceStatusReporter) async throws {
        var failures = 0
        while true {
            var next: Date?
            do {
                // A follower waits to be woken: by leading, or by a reload.
                guard leadership.isLeader else { throw NotLeading() }
                // The dispatcher starts on each chunk's messages as soon as they are committed;
                // on PostgreSQL the other nodes' dispatchers are told too.
                let dispatcherWake = dispatcherWake
                let store = holder.current.engine.store
                let started = ContinuousClock.now
                let report = try await holder.current.engine.evaluate(at: clock(), queued: {
                    await dispatcherWake.wake(.changed)
                    if store.isPostgres { try? await store.write { tx in try tx.notifyNodes() } }
                })
                DaemonMetrics.evaluated(seconds: (ContinuousClock.now - started).timeInterval, failed: false)
                failures = 0
                next = report.nextWake
                status.update { $0.evaluated = true; $0.nextWake = next; $0.failedEvaluation = nil }
                logger.debug("evaluated: \(report.transitions) changed, \(report.queued) queued, \(report.failures) failed, next at \(next.map { "\($0)" } ?? "never")")
            } catch is NotLeading {
                next = nil
            } catch let error as StoreError where error.isIdentityLost {
                // The database was deleted or replaced under us: writing on would lose the
                // history or send from an empty database. Stop the daemon with the reason.
                logger.critical("\(error)")
                throw error
            } catch {
                // The store itself failed (busy beyond the timeout, disk full): back off.
                failures += 1
                DaemonMetrics.evaluated(seconds: 0, failed: true)
                let delay = min(300, 5 * pow(2, Double(min(failures - 1, 6))))
                logger.error("evaluation failed: \(error); trying again in \(Int(delay)) s")
                next = clock().addingTimeInterval(delay)
                status.update { $0.evaluated = true; $0.nextWake = next; $0.failedEvaluation = ServiceStatus.summary(of: error) }
            }
            switch await wake.wait(until: next, now: clock()) {
            case .shutdown: return
            case .reload:
                serviceManager?.send(NotifySocket.reloadingNow())
                switch await applyReload() {
                case .applied:
                    await dispatcherWake.wake(.changed)
                    let initiatives = await watchedInitiatives()
                    status.update(sending: [.ready]) { $0.initiatives = initiatives; $0.refusedReload = nil }
                case .refused(let reason):
                    status.update(sending: [.ready]) { $0.refusedReload = reason }
                }
            case .timer, .changed: continue
            }
        }
    }

    /// This node follows: another evaluates.
    private struct NotLeading: Error {}

    private enum ReloadOutcome {
        case applied
        /// The running configuration was kept, for this reason (an error's first line).
        case refused(String)
    }

    /// Reloads the YAML; an invalid configuration is reported and the running one kept.
    private func applyReload() async -> ReloadOutcome {
        do {
            let fresh = try reload()
            let report = try await fresh.engine.reconcile(at: clock())
            // When calendars, workflows or people changed, the reconcile made every initiative
            // due: every wake is computed again.
            holder.replace(with: fresh)
            logger.info("configuration reloaded: \(report.transitions) initiative(s) changed, \(report.queued) notification(s) queued")
            return .applied
        } catch {
            logger.error("reload refused, keeping the running configuration:\n\(error)")
            return .refused(ServiceStatus.summary(of: error))
        }
    }

    /// How many initiatives the daemon watches, for the service manager's status line only:
    /// counted at start and after a reload, and not at all without a service manager.
    private func watchedInitiatives() async -> Int {
        guard serviceManager != nil else { return 0 }
        return (try? await holder.current.engine.store.read { tx in try tx.initiativeCount(archived: false) }) ?? 0
    }
}
