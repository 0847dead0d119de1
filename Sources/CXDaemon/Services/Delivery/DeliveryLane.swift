import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import Foundation
import Logging

/// What every lane shares: the engine in force, the clocks and the way to wake other lanes.
struct LaneEnvironment: Sendable {
    var holder: EngineHolder
    /// Measures every wait (next due time, store retries, the shutdown grace).
    var clock: any Clock<Duration>
    var random: @Sendable () -> Double
    var logger: Logger
    /// Wakes the lanes of these notifiers (they were sent alerts).
    var wakeLanes: @Sendable (Set<String>) -> Void
    /// Where batches write their claims and outcomes: together with the other lanes' writes.
    var commits: GroupCommit
    /// The node whose claims these are.
    var node: String = ""
}

/// What a lane did, for `Dispatcher.drain(at:)`.
struct LaneSummary: Sendable {
    var delivered = 0
    /// Notifiers that were sent alerts meanwhile.
    var queuedFor: Set<String> = []
}

/// One notifier's delivery loop: select its due messages (never those in flight or whose
/// outcome is not recorded yet), send them in batches with at most `delivery.concurrency` in
/// flight, record each batch as soon as it returns, and sleep until its next due time or a
/// wake-up. A slow or failing notifier holds back nothing but its own lane.
///
/// Batches are: select and claim (count the attempts; one write for every batch started
/// together) → send → record (one write). A crash therefore re-sends at most the batches in
/// flight, and `attempts` counts every send. After a 410 the lane sends nothing more until the
/// notifier is enabled again.
struct DeliveryLane: Sendable {
    enum Mode: Sendable {
        /// The daemon: runs until shutdown, on the wall clock `now`.
        case continuous(now: @Sendable () -> Date)
        /// `drain(at:)`: delivers what is due at this instant, then returns.
        case drain(at: Date)
    }

    let notifier: String
    let environment: LaneEnvironment
    let mode: Mode

    /// The first wait after the store refused a write, doubled after each further refusal…
    static let firstStoreRetry: Duration = .milliseconds(500)
    /// …up to this.
    static let longestStoreRetry: Duration = .seconds(30)
    /// A drain gives up after this many refusals in a row.
    static let drainStoreAttempts = 4
    /// Sleeps longer than this are cut, so that a wall-clock jump is noticed within the hour.
    static let longestSleep: TimeInterval = 3600

    private var now: Date {
        switch mode {
        case .continuous(let now): return now()
        case .drain(let instant): return instant
        }
    }

    private var draining: Bool {
        if case .drain = mode { return true }
        return false
    }

    private var logger: Logger {
        var logger = environment.logger
        logger[metadataKey: "notifier"] = "\(notifier)"
        return logger
    }

    /// Runs the lane on `events` (the caller keeps `post` to wake or stop it).
    func run(events: AsyncStream<LaneEvent>, post: AsyncStream<LaneEvent>.Continuation) async throws -> LaneSummary {
        let timers = LaneTimers(clock: environment.clock, post: post)
        defer { timers.cancelAll() }
        let halted = HaltFlag()
        let result: Result<LaneSummary, any Error> = await withDiscardingTaskGroup { group in
            var state = LaneState()
            post.yield(.wake)
            for await event in events {
                state.handle(event, lane: self, timers: timers)
                switch event {
                case .sent(_, .recorded(let result)) where result.endpointGone: halted.clear()
                case .flushed(_, nil): halted.clear()
                default: break
                }
                if let fatal = state.fatal {
                    group.cancelAll()
                    return .failure(fatal)
                }
                if state.graceOver {
                    logger.warning("shutdown grace over: sends in flight cancelled, their messages stay pending")
                    group.cancelAll()
                    break
                }
                if state.shuttingDown {
                    if state.inFlight.isEmpty, !state.flushing, state.unrecorded.isEmpty || state.flushedAfterShutdown { break }
                    if !state.unrecorded.isEmpty, !state.flushing, !state.flushedAfterShutdown {
                        state.flushedAfterShutdown = true
                        flush(&state, group: &group, post: post)
                    }
                    continue
                }
                if state.storeTroubled {
                    if draining, state.storeFailures >= Self.drainStoreAttempts {
                        return .failure(DispatcherError.cannotRecordOutcomes(
                            notifier: notifier, keys: state.unrecorded.flatMap { $0.messages.map(\.message.key) }))
                    }
                    if state.storeRetryDue, !state.flushing {
                        state.storeRetryDue = false
                        if state.unrecorded.isEmpty { state.storeRecovered() } else { flush(&state, group: &group, post: post) }
                    }
                    if state.storeTroubled { continue }
                }
                do {
                    try await fill(&state, halted: halted, group: &group, post: post)
                    if draining, state.inFlight.isEmpty {
                        try await reportDeadLetters(&state)
                        break
                    }
                    if !draining { try await armDueTimer(state, halted: halted, timers: timers, post: post) }
                } catch {
                    state.storeFailed(error, lane: self, timers: timers)
                    if let fatal = state.fatal {
                        group.cancelAll()
                        return .failure(fatal)
                    }
                }
            }
            if !state.unrecorded.isEmpty {
                logger.error(
                    "stopping with delivery outcomes the store did not take: these messages will be sent again",
                    metadata: ["keys": "\(state.unrecorded.flatMap { $0.messages.map(\.message.key) })"])
            }
            return .success(state.summary)
        }
        return try result.get()
    }

    // MARK: - Stages

    /// Starts batches of due messages until `delivery.concurrency` are in flight. The messages
    /// for every free slot are selected and claimed in one write (batches that come back
    /// together are replaced together), right before their sends start.
    private func fill(
        _ state: inout LaneState, halted: HaltFlag, group: inout DiscardingTaskGroup,
        post: AsyncStream<LaneEvent>.Continuation
    ) async throws {
        let current = environment.holder.current
        let settings = current.engine.configuration.delivery
        let free = settings.concurrency - state.inFlight.count
        guard free > 0, !halted.isSet else { return }
        let instant = now
        let excluded = state.excluded
        let notifier = self.notifier
        let node = environment.node
        let lease = current.engine.configuration.cluster.claimLease.timeInterval
        let due = try await environment.commits.write { tx in
            let due = try tx.dueMessages(notifier: notifier, at: instant, excluding: excluded, limit: free * settings.batchSize)
            try tx.claim(due.compactMap(\.message.id), at: instant, by: node, lease: lease)
            return due
        }
        for start in stride(from: 0, to: due.count, by: settings.batchSize) {
            let messages = Array(due[start..<min(start + settings.batchSize, due.count)])
            state.nextBatch += 1
            let batch = state.nextBatch
            state.inFlight[batch] = Set(messages.compactMap(\.message.id))
            group.addTask {
                let finished = await abandoningOnCancel {
                    await deliver(messages, batch: batch, current: current, halted: halted, post: post)
                    return true
                }
                if finished == nil { post.yield(.abandoned(batch: batch)) }
            }
        }
    }

    /// One claimed batch: send, record. Never throws: every end is an event for the lane.
    private func deliver(
        _ due: [DueMessage], batch: Int, current: EngineHolder.Current, halted: HaltFlag,
        post: AsyncStream<LaneEvent>.Continuation
    ) async {
        let outcomes: [DeliveryOutcome]
        if let notifier = current.notifiers[notifier] {
            outcomes = await notifier.deliver(batch: due.map(\.message.delivery))
        } else {
            outcomes = Array(repeating: .failed(reason: "notifier '\(notifier)' is not configured"), count: due.count)
        }
        if outcomes.contains(where: \.endsBatch) { halted.set() }
        let sent = SentBatch(messages: due, outcomes: outcomes, finishedAt: now, jitter: due.map { _ in environment.random() })
        let recorder = OutcomeRecorder(notifier: notifier, configuration: current.engine.configuration)
        do {
            let result = try await environment.commits.write { tx in try recorder.record(sent, in: tx) }
            result.report(to: logger)
            if !result.queuedFor.isEmpty { environment.wakeLanes(result.queuedFor) }
            post.yield(.sent(batch: batch, .recorded(result)))
        } catch {
            logger.error(
                "cannot record delivery outcomes; kept to be recorded later, not sent again",
                metadata: ["error": "\(error)", "messages": "\(due.count)"])
            post.yield(.sent(batch: batch, .unrecorded(sent, error: error)))
        }
    }

    /// Writes the outcomes kept in memory, oldest first, in a task of its own.
    private func flush(_ state: inout LaneState, group: inout DiscardingTaskGroup, post: AsyncStream<LaneEvent>.Continuation) {
        state.flushing = true
        let batches = state.unrecorded
        let current = environment.holder.current
        let recorder = OutcomeRecorder(notifier: notifier, configuration: current.engine.configuration)
        let logger = self.logger
        let wakeLanes = environment.wakeLanes
        group.addTask {
            var recorded = 0
            for batch in batches {
                do {
                    let result = try await current.engine.store.write { tx in try recorder.record(batch, in: tx) }
                    result.report(to: logger)
                    if !result.queuedFor.isEmpty { wakeLanes(result.queuedFor) }
                    recorded += 1
                } catch {
                    post.yield(.flushed(recorded: recorded, error: error))
                    return
                }
            }
            logger.notice("delivery outcomes kept in memory are recorded", metadata: ["batches": "\(recorded)"])
            post.yield(.flushed(recorded: recorded, error: nil))
        }
    }

    /// Sleeps until the next message is due or dead messages are due to be reported (reporting
    /// them when that time has come).
    private func armDueTimer(
        _ state: LaneState, halted: HaltFlag, timers: LaneTimers, post: AsyncStream<LaneEvent>.Continuation
    ) async throws {
        let current = environment.holder.current
        let alertAfter = current.engine.configuration.delivery.alertAfter.timeInterval
        let canSend = state.inFlight.count < current.engine.configuration.delivery.concurrency && !halted.isSet
        let excluded = state.excluded
        let notifier = self.notifier
        let (next, deadLetters) = try await current.engine.store.read { tx in
            (try tx.nextAttemptAt(notifier: notifier, excluding: excluded),
             try tx.health(of: notifier).deadLettersDue(alertAfter: alertAfter))
        }
        let instant = now
        if let deadLetters, deadLetters <= instant {
            var state = state
            try await reportDeadLetters(&state)
            post.yield(.due)
            return
        }
        guard let deadline = [canSend ? next : nil, deadLetters].compactMap({ $0 }).min() else {
            timers.cancel(.due)
            return
        }
        let seconds = min(max(0, deadline.timeIntervalSince(instant)), Self.longestSleep)
        timers.arm(.due, after: .milliseconds(Int64((seconds * 1000).rounded(.up))), event: .due)
    }

    /// Reports the dead messages waiting to be reported, when that is due (one read when not).
    private func reportDeadLetters(_ state: inout LaneState) async throws {
        let current = environment.holder.current
        let recorder = OutcomeRecorder(notifier: notifier, configuration: current.engine.configuration)
        let instant = now
        let notifier = self.notifier
        let alertAfter = current.engine.configuration.delivery.alertAfter.timeInterval
        let due = try await current.engine.store.read { tx in try tx.health(of: notifier).deadLettersDue(alertAfter: alertAfter) }
        guard let due, due <= instant else { return }
        let result = try await current.engine.store.write { tx in try recorder.reportDeadLettersIfDue(at: instant, in: tx) }
        result.report(to: logger)
        if !result.queuedFor.isEmpty { environment.wakeLanes(result.queuedFor) }
        state.summary.queuedFor.formUnion(result.queuedFor)
    }
}

extension OutboxMessage {
    /// What a notifier gets of this message.
    public var delivery: Delivery { Delivery(key: key, payload: payload) }
}
