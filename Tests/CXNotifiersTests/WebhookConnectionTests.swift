import CXConfig
import CXCore
import CXHTTP
@testable import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import NIOPosix
import NIOSSL
import Testing

/// How webhook requests use connections: kept alive across messages and batches, a few at a
/// time per batch, https with full certificate checks.
@Suite("Webhook connections")
struct WebhookConnectionTests {
    private static func messages(_ count: Int, batch: String) throws -> [OutboxMessage] {
        try (1...count).map { index in
            try WebhookFixtures.message(WebhookFixtures.overdue(id: "conn/\(batch)/overdue-\(index)@hook"))
        }
    }

    @Test("a batch goes out over at most 4 kept-alive connections, and the next batch reuses them")
    func batchesReuseConnections() async throws {
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret])
        let notifier = try WebhookNotifier(
            config: WebhookFixtures.config(["url": .string(receiver.url), "secret_env": .string("S")]),
            environment: NotifierEnvironment(variables: ["S": WebhookFixtures.secret]), client: HTTPClient())

        let first = try Self.messages(8, batch: "a")
        #expect(await notifier.deliver(batch: first) == Array(repeating: .delivered, count: 8))
        let second = try Self.messages(8, batch: "b")
        #expect(await notifier.deliver(batch: second) == Array(repeating: .delivered, count: 8))

        let requests = try receiver.requests()
        #expect(requests.count == 16 && requests.allSatisfy(\.verified))
        #expect(Set(requests.compactMap(\.webhookId)) == Set((first + second).map(\.key)))
        let connections = Set(requests.map(\.peerPort))
        #expect(connections.count <= WebhookNotifier.requestsPerBatch, "\(connections.count) connections")
    }

    @Test("the batch runs on one of the client's event loops, and its caller goes on off them")
    func callerLeavesTheEventLoop() async throws {
        let receiver = try await WebhookReceiver()
        let notifier = try WebhookNotifier(
            config: WebhookFixtures.config(["url": .string(receiver.url), "sign": .bool(false)]),
            environment: NotifierEnvironment(variables: [:]), client: HTTPClient())

        #expect(await notifier.deliver(batch: try Self.messages(3, batch: "loop")) == Array(repeating: .delivered, count: 3))
        #expect(MultiThreadedEventLoopGroup.currentEventLoop == nil)
        #expect(await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue())) == .delivered)
        #expect(MultiThreadedEventLoopGroup.currentEventLoop == nil)
    }

    @Test("after a 410 no further message of the batch starts; those not started are not attempted")
    func goneStopsTheBatch() async throws {
        let receiver = try await WebhookReceiver(script: Array(repeating: "410", count: 12))
        let notifier = try WebhookNotifier(
            config: WebhookFixtures.config(["url": .string(receiver.url), "sign": .bool(false)]),
            environment: NotifierEnvironment(variables: [:]), client: HTTPClient())

        let outcomes = await notifier.deliver(batch: try Self.messages(12, batch: "gone"))

        // Every answer is 410: once the first is in, only requests already under way go on.
        let started = outcomes.filter { $0 != .notAttempted }
        #expect(started.count <= WebhookNotifier.requestsPerBatch)
        #expect(outcomes.suffix(12 - WebhookNotifier.requestsPerBatch).allSatisfy { $0 == .notAttempted })
        #expect(outcomes.contains { if case .endpointGone = $0 { true } else { false } })
        #expect(try receiver.requests().count == started.count)
    }

    @Test("https: delivered to a receiver whose certificate is trusted; an untrusted one is a retried TLS failure")
    func https() async throws {
        let certificate = try await TestCertificate()
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret], certificate: certificate)
        let options: [String: Document] = ["url": .string(receiver.url), "secret_env": .string("S"), "timeout": .string("10s")]
        let environment = NotifierEnvironment(variables: ["S": WebhookFixtures.secret])
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.certificate))
        let trusting = try WebhookNotifier(
            config: WebhookFixtures.config(options), environment: environment, client: HTTPClient(configuration: .init(tls: tls)))
        let message = try WebhookFixtures.message(WebhookFixtures.overdue())

        #expect(await trusting.deliver(message) == .delivered)
        #expect(try receiver.requests().map(\.verified) == [true])

        // The system's trust roots do not know the test certificate.
        let untrusting = try WebhookNotifier(config: WebhookFixtures.config(options), environment: environment, client: HTTPClient())
        guard case .retry(let reason, nil) = await untrusting.deliver(message) else { Issue.record("expected a retry"); return }
        #expect(reason.hasPrefix("request failed: TLS with 127.0.0.1:\(receiver.port) failed"), "\(reason)")
        #expect(try receiver.requests().count == 1)
    }
}
