import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("Webhook outcome mapping")
struct WebhookOutcomeTests {
    @Test("each kind of answer maps to its outcome: 5xx, 429, timeout and dropped connections retry; 410 is gone; 400 fails")
    func scriptedAnswersMapToOutcomes() async throws {
        let receiver = try await WebhookReceiver(
            script: ["500", "429:2", "slow:3", "drop", "410", "400", "200"], secrets: [WebhookFixtures.secret])
        let notifier = try WebhookFixtures.notifier(
            ["url": .string(receiver.url), "secret_env": .string("S"), "timeout": .string("1s")],
            environment: NotifierEnvironment(variables: ["S": WebhookFixtures.secret]))
        let message = try WebhookFixtures.message(WebhookFixtures.overdue())

        var outcomes: [DeliveryOutcome] = []
        for _ in 0..<7 { outcomes.append(await notifier.deliver(message)) }

        guard outcomes.count == 7 else { return }
        guard case .retry(let reason500, nil) = outcomes[0] else { Issue.record("500: \(outcomes[0])"); return }
        #expect(reason500.hasPrefix("HTTP 500"))
        #expect(outcomes[1] == .retry(reason: "HTTP 429: {\"answer\": \"429:2\"}", after: .seconds(2)))
        guard case .retry(let slowReason, nil) = outcomes[2] else { Issue.record("slow: \(outcomes[2])"); return }
        #expect(slowReason.contains("no answer within"))
        guard case .retry(_, nil) = outcomes[3] else { Issue.record("drop: \(outcomes[3])"); return }
        guard case .endpointGone(let goneReason) = outcomes[4] else { Issue.record("410: \(outcomes[4])"); return }
        #expect(goneReason.hasPrefix("HTTP 410"))
        #expect(outcomes[5] == .failed(reason: "HTTP 400: {\"answer\": \"400\"}"))
        #expect(outcomes[6] == .delivered)

        // Every attempt carried the same id and body, each signed afresh.
        let requests = try receiver.requests()
        #expect(requests.count == 7)
        #expect(requests.allSatisfy { $0.verified && $0.webhookId == message.key && Data($0.body.utf8) == message.payload })
    }

    @Test("a refused connection is retried")
    func refusedConnectionRetries() async throws {
        let receiver = try await WebhookReceiver()
        let url = receiver.url
        receiver.stop()
        let notifier = try WebhookFixtures.notifier(["url": .string(url), "sign": .bool(false), "timeout": .string("2s")])

        let outcome = await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue()))

        #expect(outcome == .retry(reason: "connection refused by 127.0.0.1:\(receiver.port)", after: nil))
    }

    @Test("a payload that is not a notification fails for cloudevents instead of crashing")
    func malformedPayloadFails() async throws {
        let notifier = try WebhookFixtures.notifier([
            "url": .string("http://127.0.0.1:9/"), "sign": .bool(false), "format": .string("cloudevents"),
        ])
        var message = try WebhookFixtures.message(WebhookFixtures.overdue())
        message.payload = Data("[1, 2".utf8)

        guard case .failed = await notifier.deliver(message) else { Issue.record("expected .failed"); return }
    }
}
