import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// The dispatcher with real notifiers: the file notifier and exec plugins (shell scripts).
@Suite("Dispatcher: retries, isolation, dead letters")
struct DispatcherTests {
    /// A project whose reminders go to the file notifier and to an exec plugin that fails
    /// (exit 75) until a marker file exists.
    func project() throws -> (TestProject, marker: String, pluginLog: String) {
        let project = try TestProject(keeping: ["pos-checkout"])
        let marker = project.folder.file("plugin-ok")
        let pluginLog = project.folder.file("plugin.log")
        try project.folder.write("config/plugins/flaky.sh", """
            #!/bin/sh
            cat >> "\(pluginLog)"
            if [ -e "\(marker)" ]; then exit 0; fi
            echo "chat server unavailable" >&2
            exit 75
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: project.folder.file("config/plugins/flaky.sh"))
        try project.edit("config/cxd.yaml") { yaml in
            yaml.replacingOccurrences(of: "routes:\n  default: [log]", with: """
                  chat:
                    type: exec
                    path: plugins/flaky.sh
                delivery:
                  first_retry: 1m
                  longest_retry: 10m
                  max_age: 1h
                routes:
                  default: [log, chat]
                """)
        }
        return (project, marker, pluginLog)
    }

    @Test func aFailingNotifierIsRetriedAloneWithBackoffThenDeliveredOnce() async throws {
        let (project, marker, pluginLog) = try project()
        let engine = try project.engine()
        let dispatcher = try project.dispatcher(for: engine)
        let start = hanoi("2026-11-23T08:30")
        try await engine.reconcile(at: start)
        try await engine.evaluate(at: start)

        // The file notifier delivers at once; the plugin fails and is rescheduled 1 minute later
        // (jitter fixed at its midpoint), then 2, then 4 minutes after each failure.
        var next = try await dispatcher.drain(at: start)
        #expect(next == start.addingTimeInterval(60))
        next = try await dispatcher.drain(at: start.addingTimeInterval(60))
        #expect(next == start.addingTimeInterval(60 + 120))
        next = try await dispatcher.drain(at: start.addingTimeInterval(180))
        #expect(next == start.addingTimeInterval(180 + 240))
        let pending = try await engine.outbox(status: .pending, limit: 10)
        #expect(pending.map(\.notifier) == ["chat"])
        #expect(pending.first?.attempts == 3)
        #expect(pending.first?.lastError == "\(project.folder.file("config/plugins/flaky.sh")) asked to retry (exit 75): chat server unavailable")

        // The chat server is back.
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        next = try await dispatcher.drain(at: start.addingTimeInterval(420))
        #expect(next == nil)
        await #expect(try engine.outbox(status: .delivered, limit: 10).map(\.notifier).sorted() == ["chat", "log"])
        // The email-like channel (file) was never repeated while the plugin was retried.
        #expect(try project.notifications().count == 1)
        #expect(try String(contentsOfFile: pluginLog, encoding: .utf8).split(separator: "\n").count == 4)
    }

    @Test func aRetryThatWouldFallAfterHoursWaitsForTheRecipientsMorning() async throws {
        let (project, _, _) = try project()
        let engine = try project.engine()
        let dispatcher = try project.dispatcher(for: engine)
        // cxd first runs on Friday 27 November at 17:00: the step start is queued then.
        let friday = hanoi("2026-11-27T17:00")
        try await engine.reconcile(at: friday)
        try await engine.evaluate(at: friday)
        // The plugin fails at 17:29: its backoff of 1 minute would retry at 17:30, the end of
        // hung's working day; the retry waits for Monday 08:30.
        let next = try await dispatcher.drain(at: hanoi("2026-11-27T17:29"))
        #expect(next == hanoi("2026-11-30T08:30"))
        let pending = try await engine.outbox(status: .pending, limit: 10)
        #expect(pending.map(\.nextAttemptAt) == [hanoi("2026-11-30T08:30")])
    }

    @Test func aMessageOlderThanTheMaximumAgeGoesDeadAndCanBeRetriedKeepingItsAttempts() async throws {
        let (project, marker, pluginLog) = try project()
        let engine = try project.engine()
        let dispatcher = try project.dispatcher(for: engine)
        let start = hanoi("2026-11-23T08:30")
        try await engine.reconcile(at: start)
        try await engine.evaluate(at: start)
        var now = start
        while let next = try await dispatcher.drain(at: now) { now = next }
        let dead = try await engine.outbox(status: .dead, limit: 10)
        #expect(dead.map(\.notifier) == ["chat"])
        #expect(now.timeIntervalSince(start) <= 3600)
        let status = try await engine.statusReport(at: now)
        #expect(status.outbox.dead == 1)
        let sends = try String(contentsOfFile: pluginLog, encoding: .utf8).split(separator: "\n").count
        #expect(dead.first?.attempts == sends && sends > 2)

        // Sent again by hand while the plugin still fails: the attempt history and creation time
        // stay, the backoff restarts at first_retry and the message has a fresh hour.
        await #expect(try engine.retryDeadMessages(at: now) == 1)
        let retried = try #require(try await engine.outbox(status: .pending, limit: 10).first)
        #expect(retried.attempts == sends)
        #expect(retried.createdAt == dead.first?.createdAt)
        #expect(retried.lastError != nil && retried.lastError == dead.first?.lastError, "the last error stays until the next attempt")
        #expect(try await dispatcher.drain(at: now) == now.addingTimeInterval(60))
        #expect(try await engine.outbox(status: .pending, limit: 10).first?.attempts == sends + 1)

        // The plugin works again.
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        #expect(try await dispatcher.drain(at: now.addingTimeInterval(60)) == nil)
        await #expect(try engine.outbox(status: .dead, limit: 10).isEmpty)
        let id = try #require(dead.first?.id)
        await #expect(throws: EngineError.alreadyDelivered(id)) {
            try await engine.retryMessage(id, at: now)
        }
    }

    @Test func retriesBackOffExponentiallyWithJitterAndHonourRetryAfter() {
        var settings = DeliverySettings()
        settings.firstRetry = .seconds(60)
        settings.longestRetry = .seconds(3600)
        settings.maximumAge = .seconds(24 * 3600)
        let policy = RetryPolicy(settings)
        let created = instant("2026-12-01T00:00:00Z")
        let delays = (1...9).map { attempt in
            policy.nextAttempt(after: attempt, createdAt: created, now: created, random: 0.5)!.timeIntervalSince(created)
        }
        #expect(delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600])
        #expect(policy.nextAttempt(after: 1, createdAt: created, now: created, random: 0)!.timeIntervalSince(created) == 54)
        #expect(policy.nextAttempt(after: 1, createdAt: created, now: created, random: 1)!.timeIntervalSince(created) == 66)
        #expect(policy.nextAttempt(after: 1, createdAt: created, now: created, suggested: 600, random: 0.5)!.timeIntervalSince(created) == 600)
        #expect(policy.nextAttempt(after: 3, createdAt: created, now: created.addingTimeInterval(86_300), random: 0.5) == nil)
    }

    @Test func routesFollowRulesThenPreferencesThenTheDefault() {
        let table = RouteTable(
            rules: [
                .init(events: ["step.escalated"], notifiers: ["email", "chat"], continues: true),
                .init(labels: ["salon"], notifiers: ["sms"]),
                .init(initiatives: ["pos"], notifiers: ["never"]),
            ],
            defaultNotifiers: ["log"])
        #expect(table.notifiers(event: "step.escalated", initiative: "pos", labels: ["salon"]) == ["email", "chat", "sms"])
        #expect(table.resolve(event: "step.escalated", initiative: "x", labels: []).source == .rules([1]))
        #expect(table.notifiers(event: "step.overdue", initiative: "x", labels: [], preferred: ["chat"]) == ["chat"])
        #expect(table.notifiers(event: "step.overdue", initiative: "x", labels: []) == ["log"])
    }
}
