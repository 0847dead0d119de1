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
import Testing

/// The scheduler service and its wake signal under failure: waits end on cancellation and on
/// shutdown, a failing service stops the group instead of hanging it, one broken initiative
/// does not stop the others, and long evaluations are written in short transactions.
@Suite("Scheduler: waits, failures and chunks")
struct SchedulerTests {
    static let quiet = Logger(label: "test", factory: { _ in SwallowingLogHandler() })

    /// Runs `body` but gives up after `seconds`: a hang becomes a test failure, not a stuck run.
    static func finishes<T: Sendable>(within seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func aWaitWithoutDeadlineEndsWhenItsTaskIsCancelled() async throws {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait(until: nil) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        let reason = try await Self.finishes(within: 10) { await waiting.value }
        #expect(reason == .shutdown)
        // Once shut down, a later wait returns at once.
        #expect(await signal.wait(until: nil) == .shutdown)
    }

    @Test func aWakeBeforeTheWaitIsKeptAndTheStrongestWins() async throws {
        let signal = WakeSignal()
        await signal.wake(.changed)
        await signal.wake(.reload)
        await signal.wake(.timer)
        #expect(await signal.wait(until: nil) == .reload)
    }

    @Test func aFailingServiceStopsTheGroupInsteadOfHangingIt() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let engine = try project.engine()
        let notifiers = try NotifierRegistry.standard.make(engine.configuration.notifiers)
        let holder = EngineHolder(EngineHolder.Current(engine: engine, notifiers: notifiers))
        let dispatcherWake = WakeSignal()
        let dispatcher = Dispatcher(holder: holder, wake: dispatcherWake, logger: Self.quiet)
        let scheduler = Scheduler(
            holder: holder, wake: WakeSignal(), dispatcherWake: dispatcherWake, reload: { holder.current },
            logger: Self.quiet, trapSignals: false)
        // The scheduler's start-up write fails: the database is gone.
        try FileManager.default.removeItem(atPath: project.databasePath)
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: dispatcher), .init(service: scheduler)], logger: Self.quiet)
        configuration.maximumCancellationDuration = .seconds(30)
        let group = ServiceGroup(configuration: configuration)
        let outcome = try await Self.finishes(within: 20) { () async -> String in
            do {
                try await group.run()
                return "returned"
            } catch {
                return "threw: \(error)"
            }
        }
        let text = try #require(outcome, "the service group hung after a service failed")
        #expect(text.hasPrefix("threw:"))
        #expect(text.contains("removed"))
    }

    @Test func oneBrokenInitiativeDoesNotStopTheOthers() async throws {
        let project = try TestProject()
        try project.edit("config/cxd.yaml") { $0 + "\noperators:\n  people: [mai]\n  notifiers: [log]\n" }
        let engine = try project.engine()
        let start = hanoi("2026-11-23T08:30")
        try await engine.reconcile(at: start)
        // The stored state of one initiative is damaged (a bad restore, a hand edit).
        try engine.store.executeForTesting("UPDATE initiative SET state = '{\"broken\": true}' WHERE id = 'pos-checkout'")
        let later = hanoi("2026-12-11T10:00")
        let report = try await engine.evaluate(at: later)
        #expect(report.failures == 1)
        let dispatcher = try project.dispatcher(for: engine)
        // 16:00 in Hanoi is 09:00 in London: inside everyone's working hours.
        try await dispatcher.drain(at: hanoi("2026-12-11T16:00"))
        let sent = try project.notifications()
        // The others got their step start; the operators heard once about the broken one.
        #expect(sent.contains { $0.kind == "step.started" && $0.reminder?.initiative == "onboarding-nps" })
        #expect(sent.filter { $0.kind == "initiative.failed" }.map(\.recipient.id) == ["mai"])
        #expect(!sent.contains { $0.reminder?.initiative == "pos-checkout" })
        let status = try await engine.statusReport(at: later)
        let broken = try #require(status.initiatives.first { $0.id == "pos-checkout" })
        #expect(broken.failure?.since == later)
        #expect(status.initiatives.filter { $0.failure != nil }.count == 1)
        // Tried again later: still broken, but no second alert.
        let retry = later.addingTimeInterval(Engine.failedRetryDelay + 1)
        #expect(try await engine.evaluate(at: retry).failures == 1)
        try await dispatcher.drain(at: retry)
        #expect(try project.notifications().filter { $0.kind == "initiative.failed" }.count == 1)
        let audit = try await engine.history(of: "onboarding-nps")
        #expect(!audit.contains { $0.entry.kind == "evaluation.failed" })
    }

    @Test func manyDueInitiativesAreWrittenInShortTransactions() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        // 450 copies of one initiative, all starting on the same morning.
        let source = try String(contentsOfFile: project.folder.file("config/initiatives/pos-checkout.yaml"), encoding: .utf8)
        for index in 1...449 {
            let copy = source.replacingOccurrences(of: "id: pos-checkout", with: "id: pos-\(index)")
            try copy.write(toFile: project.folder.file("config/initiatives/pos-\(index).yaml"), atomically: true, encoding: .utf8)
        }
        let engine = try project.engine()
        #expect(engine.configuration.initiatives.count == 450)
        let start = hanoi("2026-11-23T08:30")
        let commits = engine.store.countCommitsForTesting()
        try await engine.reconcile(at: start)
        #expect(commits.count >= 3)
        let before = commits.count
        let report = try await engine.evaluate(at: start)
        #expect(report.transitions == 450)
        // 450 initiatives in chunks of at most 200: three write transactions, not one.
        #expect(commits.count - before >= 3)
        // Nothing is due any more: the next evaluation touches nothing and finds the next wake.
        let idle = try await engine.evaluate(at: start)
        #expect(idle.transitions == 0)
        #expect(try #require(idle.nextWake) > start)
    }

    @Test func aRemovedDatabaseIsReportedNotRecreated() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let engine = try project.engine()
        try await engine.reconcile(at: hanoi("2026-11-23T08:30"))
        try FileManager.default.removeItem(atPath: project.databasePath)
        await #expect {
            try await engine.evaluate(at: hanoi("2026-11-23T09:00"))
        } throws: { error in
            (error as? StoreError)?.isIdentityLost == true && "\(error)".contains("removed")
        }
        #expect(!FileManager.default.fileExists(atPath: project.databasePath))
        // A command that opens the store afresh refuses to create it where one must exist.
        #expect(throws: StoreError.self) {
            _ = try Store(path: project.databasePath, creation: .mustExist)
        }
    }
}
