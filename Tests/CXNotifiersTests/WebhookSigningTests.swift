import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// Requests against the real Python receiver, verified with the independent `standardwebhooks`
/// package.
@Suite("Webhook signing and headers")
struct WebhookSigningTests {
    @Test("a standard webhook arrives signed with a file secret, with custom headers and the payload intact")
    func standardRequestVerifiesWithTheIndependentLibrary() async throws {
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret])
        let folder = TemporaryDirectory()
        try folder.write("secret", WebhookFixtures.secret + "\n")
        let now = Date()
        let notifier = try WebhookFixtures.notifier(
            [
                "url": .string(receiver.url), "secret_file": .string(folder.file("secret")),
                "headers": .map(["X-Team": .string("cx-vietnam"), "Authorization": .string("Bearer t0ken")]),
            ],
            environment: NotifierEnvironment(variables: [:], clock: { now }))
        let payload = WebhookFixtures.overdue(subject: "Quá hạn: “Phỏng vấn” khách hàng — Cải thiện trải nghiệm")
        let message = try WebhookFixtures.message(payload)

        #expect(await notifier.deliver(message) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.verified)
        #expect(request.webhookId == payload.id)
        #expect(request.headers["webhook-timestamp"] == String(Int(now.timeIntervalSince1970)))
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-team"] == "cx-vietnam")
        #expect(request.headers["authorization"] == "Bearer t0ken")
        #expect(request.signatureMatches == [0])
        #expect(Data(request.body.utf8) == message.payload)
        let received = try NotificationPayload.decoder.decode(NotificationPayload.self, from: Data(request.body.utf8))
        #expect(received.subject == "Quá hạn: “Phỏng vấn” khách hàng — Cải thiện trải nghiệm")
        #expect(received == payload)
    }

    @Test("a secret from an environment variable signs requests the receiver verifies")
    func secretFromEnvironmentVariableVerifies() async throws {
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret])
        let notifier = try WebhookFixtures.notifier(
            ["url": .string(receiver.url), "secret_env": .string("CXD_HOOK_SECRET")],
            environment: NotifierEnvironment(variables: ["CXD_HOOK_SECRET": WebhookFixtures.secret]))

        #expect(await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.escalation())) == .delivered)

        let requests = try receiver.requests()
        #expect(requests.count == 1)
        #expect(requests.first?.verified == true)
        #expect(requests.first?.webhookId == WebhookFixtures.escalation().id)
    }

    @Test("during a rotation both signatures are sent and each verifies with its own secret")
    func rotationSendsBothSignatures() async throws {
        // Secret 0 is the new one, secret 1 the previous one.
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret, WebhookFixtures.previousSecret])
        let notifier = try WebhookFixtures.notifier(
            ["url": .string(receiver.url), "secret_env": .string("NEW"), "previous_secret_env": .string("OLD")],
            environment: NotifierEnvironment(variables: ["NEW": WebhookFixtures.secret, "OLD": WebhookFixtures.previousSecret]))

        #expect(await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.digest())) == .delivered)

        let request = try #require(try receiver.requests().first)
        let signatures = try #require(request.headers["webhook-signature"]).split(separator: " ")
        #expect(signatures.count == 2)
        #expect(signatures.allSatisfy { $0.hasPrefix("v1,") })
        #expect(request.signatureMatches == [0, 1])
        #expect(request.verifiedBy == [0, 1])
    }

    @Test("an unsigned webhook (sign: false) sends the id and timestamp but no signature")
    func unsignedWebhookHasNoSignature() async throws {
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret])
        let notifier = try WebhookFixtures.notifier(["url": .string(receiver.url), "sign": .bool(false)])

        #expect(await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue())) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.headers["webhook-signature"] == nil)
        #expect(request.headers["webhook-id"] == WebhookFixtures.overdue().id)
        #expect(request.headers["webhook-timestamp"] != nil)
        #expect(!request.verified)
    }
}
