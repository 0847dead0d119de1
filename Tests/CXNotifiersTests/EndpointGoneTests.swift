import CXConfig
import CXCore
import CXDaemon
import CXEngine
@testable import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Logging
import Testing

@Suite("410 Gone: the notifier is disabled, its messages wait and the operators are told")
struct EndpointGoneTests {
    func messages(_ count: Int, at now: Date) throws -> [OutboxMessage] {
        try (1...count).map { index in
            var message = try WebhookFixtures.message(WebhookFixtures.overdue(id: "pos/run-1/overdue-\(index)@hook"))
            message.createdAt = now
            message.nextAttemptAt = now
            return message
        }
    }

    @Test func aGoneEndpointDisablesItsNotifierAndItsMessagesWaitUntilEnabled() async throws {
        let receiver = try await WebhookReceiver(script: ["410"])
        let project = try hookProject(url: receiver.url)
        let engine = try project.engine()
        let dispatcher = try project.dispatcher(for: engine)
        let now = instant("2026-12-01T02:00:00Z")
        var messages = try messages(2, at: now)
        messages[1].nextAttemptAt = now.addingTimeInterval(600)
        let queued = messages
        try await engine.store.write { tx in try tx.enqueue(queued) }

        try await dispatcher.drain(at: now)
        // Nothing goes dead: the message that got 410 waits with its attempt counted.
        #expect(try await engine.outbox(status: .dead, limit: 10).isEmpty)
        let waiting = try await engine.outbox(status: .pending, limit: 10)
        #expect(waiting.map(\.key) == ["pos/run-1/overdue-1@hook", "pos/run-1/overdue-2@hook"])
        #expect(waiting.map(\.attempts) == [1, 0])
        #expect(waiting.first?.lastError?.hasPrefix("HTTP 410") == true)
        let health = try await engine.statusReport(at: now).outbox
        #expect(health.disabledNotifiers.map(\.name) == ["hook"])
        // The operator hears about it through the file notifier, never through the gone hook,
        // and what the alert says is true: the messages wait in the outbox.
        let alerts = try project.notifications().filter { $0.kind == "notifier.disabled" }
        #expect(alerts.map(\.recipient.id) == ["mai"])
        #expect(alerts.first?.subject == "Kênh thông báo 'hook' đã bị tắt: địa chỉ nhận không còn tồn tại")

        // Later messages for the disabled notifier wait…
        #expect(try await dispatcher.drain(at: now.addingTimeInterval(3600)) == nil)
        #expect(try await engine.outbox(status: .pending, limit: 10).count == 2)
        // …until an operator enables it again (the receiver now answers 200): both go out.
        #expect(try await engine.enableNotifier("hook"))
        try await dispatcher.drain(at: now.addingTimeInterval(3600))
        #expect(try await engine.outbox(status: .delivered, limit: 10).map(\.key).filter { $0.hasSuffix("@hook") }
            == ["pos/run-1/overdue-1@hook", "pos/run-1/overdue-2@hook"])
        #expect(try receiver.requests().map(\.status) == [410, 200, 200])
    }

    @Test("a burst of 410s: the lane stops at the first, nothing goes dead, one alert")
    func aBurstOf410sStopsTheLaneAndKillsNothing() async throws {
        let receiver = try await WebhookReceiver(script: Array(repeating: "410", count: 60))
        let project = try hookProject(url: receiver.url, delivery: """
            delivery:
              batch_size: 5
              concurrency: 3
            """)
        let engine = try project.engine()
        let log = RecordingLogHandler.Record()
        let dispatcher = try project.dispatcher(for: engine, logger: RecordingLogHandler.logger(log))
        let now = instant("2026-12-01T02:00:00Z")
        let queued = try messages(60, at: now)
        try await engine.store.write { tx in try tx.enqueue(queued) }

        try await dispatcher.drain(at: now)

        // Only requests already under way met the gone endpoint (at most the batch's share in
        // flight, for each of the 3 batches); the rest of each batch, and every batch after,
        // was never posted.
        let posted = try receiver.requests()
        #expect(
            posted.count >= 1 && posted.count <= 3 * WebhookNotifier.requestsPerBatch,
            "\(posted.count) requests: \(posted.map { $0.webhookId ?? "-" })")
        #expect(posted.allSatisfy { $0.status == 410 })
        let outbox = try await engine.outbox(status: nil, limit: 100).filter { $0.notifier == "hook" }
        #expect(outbox.count == 60)
        // One log line for the episode, not one per message that met the 410.
        let logged = log.lines.filter { $0.level >= .warning }.map(\.message)
        #expect(logged == ["endpoint gone; notifier disabled until `cxd notify enable hook`, its messages wait"], "\(logged)")
        #expect(outbox.allSatisfy { $0.status == .pending })
        let tried = outbox.filter { $0.attempts > 0 }
        #expect(Set(tried.map(\.key)) == Set(posted.compactMap(\.webhookId)))
        #expect(tried.allSatisfy { $0.attempts == 1 && $0.lastError?.hasPrefix("HTTP 410") == true })
        #expect(outbox.filter { $0.attempts == 0 }.allSatisfy { $0.lastError == nil })
        // One alert for the episode, however many requests got 410.
        let alerts = try project.notifications().filter { $0.kind == "notifier.disabled" }
        #expect(alerts.count == 1)
        #expect(alerts.first?.text.contains("wait in the outbox") == true || alerts.first?.text.contains("đang chờ trong outbox") == true)
    }
}
