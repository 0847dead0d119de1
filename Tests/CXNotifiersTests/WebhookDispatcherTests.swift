import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Logging
import Testing

@Suite("Webhook delivery through the dispatcher")
struct WebhookDispatcherTests {
    @Test("through failures, timeouts and dropped connections every key ends delivered, answered 2xx exactly once")
    func exactlyOncePerKeyInTheEnd() async throws {
        let receiver = try await WebhookReceiver(script: ["500", "429:1", "slow:3", "drop"], secrets: [WebhookFixtures.secret])
        let project = try TestProject()
        let engine = try project.engine()
        let notifier = try WebhookFixtures.notifier(
            ["url": .string(receiver.url), "secret_env": .string("S"), "timeout": .string("1s")],
            environment: NotifierEnvironment(variables: ["S": WebhookFixtures.secret]))
        let dispatcher = Dispatcher(
            holder: EngineHolder(EngineHolder.Current(engine: engine, notifiers: ["hook": notifier])), wake: WakeSignal(),
            logger: Logger(label: "test", factory: { _ in SwallowingLogHandler() }))

        let payloads = (1...6).map { index in
            WebhookFixtures.overdue(id: "onboarding/1/\(index)/kickoff/overdue/1@hook", stepTitle: "Bước \(index)")
        }
        let messages = try payloads.map { try WebhookFixtures.message($0) }
        let queued = messages
        #expect(try await engine.store.write { tx in try tx.enqueue(queued) } == messages.count)
        // Queuing the same keys again adds nothing.
        #expect(try await engine.store.write { tx in try tx.enqueue(queued) } == 0)

        var now = WebhookFixtures.created
        var rounds = 0
        while rounds < 10, try await engine.store.read({ tx in try tx.messages(status: .pending) }).count > 0 {
            try await dispatcher.drain(at: now)
            now = now.addingTimeInterval(3600)
            rounds += 1
        }

        let outbox = try await engine.store.read { tx in try tx.messages() }
        #expect(outbox.count == messages.count)
        #expect(outbox.allSatisfy { $0.status == .delivered })
        #expect(outbox.map(\.attempts).reduce(0, +) == messages.count + 4)
        #expect(rounds == 2)

        let requests = try receiver.requests()
        #expect(requests.count == messages.count + 4)
        #expect(requests.allSatisfy { $0.verified })
        let successes = Dictionary(grouping: requests.filter(\.answeredSuccess), by: { $0.webhookId ?? "" })
        #expect(Set(successes.keys) == Set(messages.map(\.key)))
        #expect(successes.values.allSatisfy { $0.count == 1 })
        // A retried key carries the same id and the same body every time.
        for message in messages {
            let attempts = requests.filter { $0.webhookId == message.key }
            #expect(attempts.allSatisfy { Data($0.body.utf8) == message.payload })
        }
    }

    @Test("an endpoint failing for longer than alert_after: operators are told once, and once more when it recovers")
    func aFailingEndpointIsReportedOnceAndItsRecoveryToo() async throws {
        // Six answers of 503 (half an hour of retries five minutes apart), then 200.
        let receiver = try await WebhookReceiver(script: Array(repeating: "503", count: 6))
        let project = try hookProject(url: receiver.url, delivery: """
            delivery:
              first_retry: 5m
              longest_retry: 5m
              alert_after: 15m
              max_age: 2h
            """)
        let engine = try project.engine()
        let dispatcher = try project.dispatcher(for: engine)
        let message = try WebhookFixtures.message(WebhookFixtures.overdue(id: "pos/run-1/overdue-1@hook"))
        try await engine.store.write { tx in try tx.enqueue([message]) }

        var now = WebhookFixtures.created
        var steps = 0
        while let next = try await dispatcher.drain(at: now), steps < 20 {
            now = next
            steps += 1
        }
        let alerts = try project.notifications().filter { $0.kind.hasPrefix("notifier.") }
        #expect(alerts.map(\.kind) == ["notifier.failing", "notifier.recovered"])
        #expect(alerts.first?.createdAt == WebhookFixtures.created.addingTimeInterval(15 * 60))
        #expect(alerts.last?.createdAt == WebhookFixtures.created.addingTimeInterval(30 * 60))
        #expect(try receiver.requests().map(\.status) == [503, 503, 503, 503, 503, 503, 200])
        let delivered = try await engine.store.read { tx in try tx.messages(status: .delivered) }.map(\.key)
        #expect(delivered.contains("pos/run-1/overdue-1@hook"))
    }
}
