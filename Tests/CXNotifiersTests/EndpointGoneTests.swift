import CXConfig
import CXCore
import CXDaemon
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("410 Gone: the notifier is disabled and the operators are told")
struct EndpointGoneTests {
    @Test func aGoneEndpointDisablesItsNotifierAndAlertsOperatorsThroughAnotherOne() async throws {
        let receiver = try WebhookReceiver(script: ["410"])
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") { yaml in
            yaml.replacingOccurrences(of: "routes:\n  default: [log]", with: """
                  hook:
                    type: webhook
                    url: \(receiver.url)
                    sign: false
                routes:
                  default: [log]
                operators:
                  people: [mai]
                  notifiers: [hook, log]
                """)
        }
        let engine = try project.engine()
        let dispatcher = try project.dispatcher(for: engine)
        let now = instant("2026-12-01T02:00:00Z")
        var first = try WebhookFixtures.message(WebhookFixtures.overdue(id: "pos/run-1/overdue-1@hook"))
        first.createdAt = now
        first.nextAttemptAt = now
        var second = try WebhookFixtures.message(WebhookFixtures.overdue(id: "pos/run-1/overdue-2@hook"))
        second.createdAt = now
        second.nextAttemptAt = now.addingTimeInterval(600)
        try engine.store.write { tx in try tx.enqueue([first, second]) }

        try await dispatcher.drain(at: now)
        let dead = try engine.outbox(status: .dead, limit: 10)
        #expect(dead.map(\.key) == ["pos/run-1/overdue-1@hook"])
        #expect(dead.first?.lastError?.hasPrefix("HTTP 410") == true)
        let health = try engine.statusReport(at: now).outbox
        #expect(health.disabledNotifiers.map(\.name) == ["hook"])
        // The operator hears about it through the file notifier, never through the gone hook.
        let alerts = try project.notifications().filter { $0.kind == "notifier.disabled" }
        #expect(alerts.map(\.recipient.id) == ["mai"])
        #expect(alerts.first?.subject == "Kênh thông báo 'hook' đã bị tắt: địa chỉ nhận không còn tồn tại")

        // Later messages for the disabled notifier wait…
        #expect(try await dispatcher.drain(at: now.addingTimeInterval(3600)) == nil)
        #expect(try engine.outbox(status: .pending, limit: 10).map(\.key) == ["pos/run-1/overdue-2@hook"])
        // …until an operator enables it again (the receiver now answers 200).
        #expect(try engine.enableNotifier("hook"))
        try await dispatcher.drain(at: now.addingTimeInterval(3600))
        #expect(try engine.outbox(status: .delivered, limit: 10).map(\.key).contains("pos/run-1/overdue-2@hook"))
        #expect(try receiver.requests().count == 2)
    }
}
