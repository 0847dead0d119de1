import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// `timeout` bounds the whole exchange, and a refused connection fails at once.
@Suite("Webhook timeouts")
struct WebhookTimeoutTests {
    @Test("a body that trickles in slower than the timeout is cut off at the timeout, and retried")
    func tricklingBodyTimesOut() async throws {
        // Headers at once, then the body over 120 s: each read gets a byte within a second.
        let receiver = try await WebhookReceiver(script: ["trickle:120"])
        let notifier = try WebhookFixtures.notifier(
            ["url": .string(receiver.url), "sign": .bool(false), "timeout": .string("1s")])
        let clock = ContinuousClock()
        let started = clock.now

        let outcome = await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue()))

        let took = clock.now - started
        #expect(outcome == .retry(reason: "no answer within 1.0 seconds", after: nil))
        // Generous (a loaded CI machine): the point is that it does not wait for the body's 120 s.
        #expect(took < .seconds(60), "took \(took)")
        print("webhook: trickling body with timeout 1s returned after \(took)")
    }

    @Test("a refused connection fails at once, naming the address, long before the timeout")
    func refusedConnectionFailsFast() async throws {
        let port = try ClosedPort.make()
        let notifier = try WebhookFixtures.notifier(
            ["url": .string("http://127.0.0.1:\(port)/hooks/cxd"), "sign": .bool(false), "timeout": .string("300s")])
        let clock = ContinuousClock()
        let started = clock.now

        let outcome = await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue()))

        let took = clock.now - started
        #expect(outcome == .retry(reason: "connection refused by 127.0.0.1:\(port)", after: nil))
        // Generous (a loaded CI machine): the point is that it does not wait the 300 s.
        #expect(took < .seconds(60), "took \(took)")
        print("webhook: refused connection with timeout 300s returned after \(took)")
    }
}
