import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import Foundation
import Logging
import ServiceLifecycle

/// Drains the outbox like Alertmanager's notification pipeline, with one lane per notifier so
/// that a slow or failing notifier never holds back another. Each lane, on its own:
/// 1. selects its due messages (`dueMessages(notifier:)`), leaving out those in flight and
///    those whose outcome is not recorded yet,
/// 2. sends them in batches, at most `delivery.concurrency` batches in flight, counting each
///    attempt before the send,
/// 3. records each batch as soon as it returns (`OutcomeRecorder`): delivered, retried with
///    backoff measured from the failure (honouring Retry-After), dead when permanent or older
///    than `delivery.max_age`; a 410 disables the notifier and its messages wait,
/// 4. keeps the notifier's health and tells the operators, through another notifier, when it
///    fails for longer than `delivery.alert_after`, recovers, or messages go dead.
///
/// Delivery is at least once per key: a message is marked delivered only after its notifier
/// succeeded, so a crash re-sends at most the batches in flight, with the same idempotency key.
public struct Dispatcher: Service {
    let holder: EngineHolder
    let wake: WakeSignal
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    /// A number in 0..<1 for the retry jitter; injected so tests are exact.
    let random: @Sendable () -> Double
    let logger: Logger
    /// The node whose claims this dispatcher makes (`cxd status` names it).
    let node: String

    /// `wake` is the signal the scheduler and CLI commands use when messages were queued;
    /// `clock` measures every wait and `now` gives the wall-clock time (tests drive both).
    public init(
        holder: EngineHolder, wake: WakeSignal, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger, node: String = ""
    ) {
        self.node = node
        self.holder = holder
        self.wake = wake
        self.clock = clock
        self.now = now
        self.random = random
        self.logger = logger
    }

    /// Runs one lane per notifier until graceful shutdown; then each lane gives its sends in
    /// flight `delivery.shutdown_grace` before cancelling them (their messages stay pending).
    public func run() async throws {
        await releaseDeadClaims()
        let lanes = LaneDirectory()
        let commits = GroupCommit(store: holder.current.engine.store)
        let environment = laneEnvironment(commits: commits, wakeLanes: { names in lanes.post(.wake, to: names) })
        try await committing(commits) { try await runLanes(lanes, environment: environment) }
    }

    private func runLanes(_ lanes: LaneDirectory, environment: LaneEnvironment) async throws {
        // A lane fails only when the database is gone (deleted or replaced): then the whole
        // dispatcher stops with that error, and the service group with it.
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                // New notifiers (after a reload) and messages left for unknown ones get a lane.
                for name in await laneNames() {
                    let (events, post) = AsyncStream<LaneEvent>.makeStream()
                    guard lanes.add(name, post) else { continue }
                    let lane = DeliveryLane(notifier: name, environment: environment, mode: .continuous(now: now))
                    group.addTask {
                        do {
                            _ = try await lane.run(events: events, post: post)
                        } catch {
                            logger.critical("delivery stopped", metadata: ["notifier": "\(name)", "error": "\(error)"])
                            throw error
                        }
                    }
                }
                if await wake.wait(until: nil, now: now()) == .shutdown {
                    lanes.post(.shutdown)
                    return
                }
                lanes.post(.wake)
            }
        }
    }

    /// Delivers every message due at `now` through every lane (alerts queued meanwhile
    /// included), recording every outcome at `now`; returns when the next pending message (or
    /// report of dead messages) is due. For `cxd run --once` and tests.
    @discardableResult
    public func drain(at now: Date) async throws -> Date? {
        await releaseDeadClaims()
        let commits = GroupCommit(store: holder.current.engine.store)
        let environment = laneEnvironment(commits: commits, wakeLanes: { _ in })
        try await committing(commits) { try await drainLanes(at: now, environment: environment) }
        let alertAfter = holder.current.engine.configuration.delivery.alertAfter.timeInterval
        return try await holder.current.engine.store.read { tx in
            let reports = try tx.notifierHealth().compactMap { $0.deadLettersDue(alertAfter: alertAfter) }
            return ([try tx.nextAttemptAt()].compactMap { $0 } + reports).min()
        }
    }

    /// Claims a previous run of this dispatcher left (it crashed mid-send) are dead: their
    /// messages go out again now, not when the lease ends. On SQLite every claim is (the daemon
    /// lock makes this the only dispatcher); on PostgreSQL, those of this node's name (a node
    /// restarted under the same `--node` name).
    private func releaseDeadClaims() async {
        let store = holder.current.engine.store
        let node: String? = store.isPostgres ? self.node : nil
        do {
            let released = try await store.write { tx in try tx.releaseClaims(of: node) }
            if released > 0 { logger.notice("outbox: \(released) message(s) claimed by a previous run go out again") }
        } catch {
            logger.error("outbox: cannot release the claims of a previous run (they end with their lease): \(error)")
        }
    }

    private func drainLanes(at now: Date, environment: LaneEnvironment) async throws {
        // Alerts queued by one lane go out through another: drain again while any were queued.
        for _ in 0..<10 {
            let names = await laneNames()
            let summaries = try await withThrowingTaskGroup(of: LaneSummary.self) { group in
                for name in names {
                    group.addTask {
                        let (events, post) = AsyncStream<LaneEvent>.makeStream()
                        defer { post.finish() }
                        return try await DeliveryLane(notifier: name, environment: environment, mode: .drain(at: now))
                            .run(events: events, post: post)
                    }
                }
                return try await group.reduce(into: [LaneSummary]()) { $0.append($1) }
            }
            if summaries.allSatisfy(\.queuedFor.isEmpty) { break }
        }
    }

    /// Runs `lanes` beside the group commit they write through; the commit ends after them,
    /// with what they left queued written.
    private func committing(_ commits: GroupCommit, _ lanes: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await commits.run() }
            do {
                try await lanes()
            } catch {
                commits.finish()
                throw error
            }
            commits.finish()
            try await group.waitForAll()
        }
    }

    private func laneEnvironment(
        commits: GroupCommit, wakeLanes: @escaping @Sendable (Set<String>) -> Void
    ) -> LaneEnvironment {
        LaneEnvironment(
            holder: holder, clock: clock, random: random, logger: logger, wakeLanes: wakeLanes, commits: commits, node: node)
    }

    /// The configured notifiers, plus any notifier that has pending messages (a notifier
    /// removed from the configuration: its lane gives its messages up).
    private func laneNames() async -> Set<String> {
        let current = holder.current
        var names = Set(current.notifiers.keys)
        do {
            names.formUnion(try await current.engine.store.read { tx in try tx.notifiersWithPendingMessages() })
        } catch {
            logger.error("outbox: cannot list the notifiers with pending messages", metadata: ["error": "\(error)"])
        }
        return names
    }
}

enum DispatcherError: Error, CustomStringConvertible {
    case cannotRecordOutcomes(notifier: String, keys: [String])

    var description: String {
        switch self {
        case .cannotRecordOutcomes(let notifier, let keys):
            return "the store did not take the delivery outcomes of \(notifier); these messages will be sent again: "
                + keys.joined(separator: ", ")
        }
    }
}
