import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The dispatcher's real loop (`run()`), one lane per notifier, on a clock the tests advance by
/// hand, with real plugins (shell scripts) and the real file notifier.
@Suite("Delivery lanes: isolation, shutdown, timing, recording", .serialized)
struct DeliveryLaneTests {
    let start = instant("2026-12-01T02:00:00Z")

    @Test func aStuckNotifierHoldsBackNoOtherLane() async throws {
        let delivery = try DeliveryProject(notifiers: """
              stuck:
                type: exec
                path: plugins/gated.sh
                timeout: 10m
            """)
        _ = try delivery.receivingPlugin(gated: true)
        let running = try await delivery.run(["a@stuck"], notifier: "stuck", at: start)
        let engine = running.engine

        #expect(await eventually { delivery.started == 1 }, "the stuck plugin never started")
        // While that send hangs, the scheduler queues a message for the file notifier and
        // wakes the dispatcher: the file lane delivers it at once.
        try await delivery.enqueue(["b@log"], notifier: "log", at: start, in: engine)
        await running.wake.wake(.changed)
        #expect(await eventually { (try? delivery.project.notifications().map(\.id)) == ["b@log"] })
        #expect(delivery.received().isEmpty, "the stuck send is still stuck")

        delivery.openGate()
        #expect(await eventually { delivery.received() == ["a@stuck"] })
        #expect(await eventually {
            (try? engine.store.read { tx in try tx.messages(status: .delivered) }.count) == 2
        })
        try await running.stop()
    }

    @Test func gracefulShutdownCancelsAHangingSendAfterTheGraceAndTheMessageStaysPending() async throws {
        let delivery = try DeliveryProject(
            notifiers: """
                  stuck:
                    type: exec
                    path: plugins/gated.sh
                    timeout: 10m
                """,
            delivery: """
                delivery:
                  shutdown_grace: 2s
                """)
        _ = try delivery.receivingPlugin(gated: true)
        let engine = try delivery.engine()
        let time = TestTime(start: start)
        let dispatcher = try delivery.dispatcher(for: engine, time: time, wake: WakeSignal(clock: time.clock))
        try await delivery.enqueue(["a@stuck"], notifier: "stuck", at: start, in: engine)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: dispatcher)], logger: Logger(label: "test", factory: { _ in SwallowingLogHandler() })))
        let finished = Finished()
        let task = Task {
            try await group.run()
            finished.mark()
        }
        #expect(await eventually { delivery.started == 1 })

        await group.triggerGracefulShutdown()
        // The grace has not passed on the dispatcher's clock: the send is still given its chance.
        try await Task.sleep(for: .milliseconds(200))
        #expect(!finished.isMarked)
        // Once it has, the hanging send is cancelled and the service returns.
        #expect(await advance(time, by: .seconds(1), steps: 5) { finished.isMarked })
        try await task.value
        let message = try #require(try await engine.store.read { tx in try tx.messages() }.first)
        #expect(message.status == .pending)
        #expect(message.attempts == 1)
        #expect(delivery.received().isEmpty)
    }

    @Test func aRetryIsTimedFromTheFailureNotFromWhenTheSendStarted() async throws {
        let delivery = try DeliveryProject(
            notifiers: """
                  chat:
                    type: exec
                    path: plugins/slow-fail.sh
                    timeout: 10m
                """,
            delivery: """
                delivery:
                  first_retry: 1m
                """)
        _ = try delivery.plugin("slow-fail.sh", """
            cat > /dev/null
            \(delivery.waitAtGate)
            echo "chat server unavailable" >&2
            exit 75
            """)
        let running = try await delivery.run(["a@chat"], notifier: "chat", at: start)
        let engine = running.engine
        #expect(await eventually { delivery.started == 1 })

        // The send takes five minutes, then fails: the retry is one minute after the failure.
        await running.time.advance(by: .seconds(300))
        delivery.openGate()
        let retried = await eventually {
            (try? engine.store.read { tx in try tx.messages() }.first?.lastError) != nil
        }
        #expect(retried)
        let message = try #require(try await engine.store.read { tx in try tx.messages() }.first)
        #expect(message.nextAttemptAt == start.addingTimeInterval(300 + 60))
        #expect(message.attempts == 1)
        try await running.stop()
    }

    @Test func eachBatchIsRecordedAsSoonAsItReturnsWhileOthersAreInFlight() async throws {
        let delivery = try DeliveryProject(
            notifiers: """
                  chat:
                    type: exec
                    path: plugins/mixed.sh
                    timeout: 10m
                """,
            delivery: """
                delivery:
                  batch_size: 1
                  concurrency: 2
                """)
        // Messages whose key contains "hold" wait at the gate; the others fail at once.
        _ = try delivery.plugin("mixed.sh", """
            payload=$(cat)
            case "$payload" in
              *hold*)
                \(delivery.waitAtGate)
                exit 0 ;;
            esac
            echo "connection refused" >&2
            exit 75
            """)
        let running = try await delivery.run(["a-hold@chat", "b@chat"], notifier: "chat", at: start)
        let engine = running.engine

        // `cxd outbox` shows the failure while the other send is still in flight.
        let shown = await eventually {
            let rows = (try? engine.store.read { tx in try tx.messages() }) ?? []
            return rows.first { $0.key == "b@chat" }.map { $0.attempts == 1 && $0.lastError != nil } ?? false
        }
        #expect(shown)
        // Both batches start together; the held one's plugin may reach its gate a moment later.
        #expect(await eventually { delivery.started == 1 })
        let held = try #require(try await engine.store.read { tx in try tx.messages() }.first { $0.key == "a-hold@chat" })
        #expect(held.status == .pending && held.attempts == 1 && held.lastError == nil)
        delivery.openGate()
        #expect(await eventually {
            (try? engine.store.read { tx in try tx.messages(status: .delivered) }.map(\.key)) == ["a-hold@chat"]
        })
        try await running.stop()
    }

    @Test func outcomesTheStoreRefusesAreKeptAndRecordedLaterNeverSentAgain() async throws {
        let delivery = try DeliveryProject(
            notifiers: """
                  chat:
                    type: exec
                    path: plugins/gated.sh
                    timeout: 10m
                """,
            delivery: """
                delivery:
                  batch_size: 2
                  concurrency: 2
                """)
        _ = try delivery.receivingPlugin(gated: true)
        // A short busy timeout: the store gives up on a locked database quickly.
        let keys = (1...6).map { "m\($0)@chat" }
        let running = try await delivery.run(keys, notifier: "chat", at: start, busyTimeout: 0.2)
        let engine = running.engine
        let time = running.time
        #expect(await eventually { delivery.started == 2 }, "two batches in flight")

        // Another process takes the write lock and keeps it while the sends complete.
        let lock = try await WriteLockHolder(database: engine.store.path)
        delivery.openGate()
        #expect(await eventually { delivery.received().count == 4 })
        // The lane retries the write with backoff meanwhile, and sends nothing again.
        for _ in 0..<5 {
            await time.advance(by: .seconds(2))
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(delivery.received().count == 4)
        #expect(try await engine.store.read { tx in try tx.messages(status: .delivered) }.isEmpty)

        try await lock.release()
        let done = await advance(time, by: .seconds(30), steps: 20) {
            (try? engine.store.read { tx in try tx.messages(status: .delivered) }.count) == keys.count
        }
        #expect(done)
        let received = delivery.received()
        #expect(received.sorted() == keys.sorted(), "every key received exactly once: \(received)")
        let rows = try await engine.store.read { tx in try tx.messages() }
        #expect(rows.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
        try await running.stop()
    }

    @Test func aCrashResendsAtMostTheBatchesInFlightAndAttemptsCountEverySend() async throws {
        let delivery = try DeliveryProject(
            notifiers: """
                  chat:
                    type: exec
                    path: plugins/receive.sh
                """,
            delivery: """
                delivery:
                  batch_size: 3
                  concurrency: 2
                """)
        _ = try delivery.receivingPlugin(gated: false)
        let engine = try delivery.engine()
        let time = TestTime(start: start)
        let keys = (1...40).map { "m\($0)@chat" }
        try await delivery.enqueue(keys, notifier: "chat", at: start, in: engine)

        // The first dispatcher is cancelled mid-run, as a crash would stop it…
        let first = try delivery.dispatcher(for: engine, time: time)
        let crashed = Task { try await first.run() }
        #expect(await eventually { delivery.received().count >= 10 })
        crashed.cancel()
        _ = await crashed.result
        let beforeRestart = delivery.received().count
        #expect(beforeRestart < keys.count, "the crash came too late to test anything")

        // …and a new one takes over.
        let wake = WakeSignal(clock: time.clock)
        let second = try delivery.dispatcher(for: engine, time: time, wake: wake)
        let running = RunningDispatcher(engine: engine, time: time, wake: wake, task: Task { try await second.run() })
        #expect(await eventually {
            (try? engine.store.read { tx in try tx.messages(status: .delivered) }.count) == keys.count
        })
        try await running.stop()

        let received = delivery.received()
        let counts = Dictionary(grouping: received, by: { $0 }).mapValues(\.count)
        #expect(Set(counts.keys) == Set(keys))
        let duplicates = received.count - keys.count
        #expect(duplicates <= 3 * 2, "at most the batches in flight are sent twice: \(duplicates)")
        // Every send is counted, the ones whose outcome the crash lost included.
        let rows = try await engine.store.read { tx in try tx.messages() }
        for row in rows {
            #expect(row.attempts >= counts[row.key] ?? 0, "\(row.key): \(row.attempts) attempts, \(counts[row.key] ?? 0) sends")
        }
        #expect(rows.map(\.attempts).reduce(0, +) >= received.count)
    }
}

/// A flag set once from any task.
final class Finished: Sendable {
    private let value = Mutex(false)
    var isMarked: Bool { value.withLock { $0 } }
    func mark() { value.withLock { $0 = true } }
}

/// Holds SQLite's write lock on a database from another process (`BEGIN IMMEDIATE` in
/// Python's sqlite3) until released.
final class WriteLockHolder: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let folder = TemporaryDirectory("cxd-lock")

    init(database: String) async throws {
        let output = folder.file("out")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys
            connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            connection.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.read()
            connection.execute("COMMIT")
            print("released", flush=True)
            """, database]
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try process.run()
        let folder = self.folder
        guard await eventually(timeout: 20, { ((try? folder.read("out")) ?? "").contains("locked") }) else {
            process.terminate()
            throw LockError()
        }
    }

    func release() async throws {
        try input.fileHandleForWriting.close()
        let folder = self.folder
        guard await eventually(timeout: 20, { ((try? folder.read("out")) ?? "").contains("released") }) else {
            throw LockError()
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    struct LockError: Error {}
}
