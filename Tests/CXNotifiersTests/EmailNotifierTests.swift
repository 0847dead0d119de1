import CXConfig
import CXCore
import CXNotifiers
import CXSMTP
import CXStore
import CXTestSupport
import Foundation
import Logging
import Testing

/// The email notifier against a real SMTP server (aiosmtpd), built through its registered
/// factory from a `NotifierConfig` as the daemon builds it.
@Suite(.serialized) struct EmailNotifierTests {
    static let initiativeTitle = "Tăng mức độ hài lòng của khách hàng tại điểm bán"
    static let stepTitle = "Xác định mục tiêu và phạm vi"
    static let overdueSubject = "Quá hạn: \(stepTitle) — \(initiativeTitle)"
    static let fromName = "Trợ lý CX — Chuỗi cửa hàng"

    @Test func vietnameseSubjectAndDisplayNameSurviveInAMultipartMessageWithAStableMessageID() async throws {
        let server = try await EmailTestServer()
        let notifier = try Self.notifier(server, ["tls": .string("none"), "reply_to": .string("cx-team@example.com")])
        let message = try Self.outbox(id: "overdue:cx-1:define:1")
        #expect(await notifier.deliver(batch: [message, message]) == [.delivered, .delivered])
        let received = try await server.messages()
        try #require(received.count == 2)
        let email = received[0]
        #expect(email.subject == Self.overdueSubject)
        #expect(email.from_name == Self.fromName)
        #expect(email.from_address == "cxd@example.com")
        #expect(email.to == ["lan@example.com"])
        #expect(email.reply_to == "cx-team@example.com")
        #expect(email.content_type == "multipart/alternative")
        #expect(email.part_types == ["text/plain", "text/html"])
        #expect(email.text?.contains(Self.stepTitle) == true)
        #expect(email.html?.contains(Self.stepTitle) == true)
        #expect(email.date_valid)
        #expect(email.defects == 0)
        #expect(email.longest_line <= 78)
        #expect(email.message_id == MessageID(key: "overdue:cx-1:define:1", domain: "example.com").value)
        #expect(received[1].message_id == email.message_id)
        #expect(email.envelope.mail_from == "cxd@example.com")
    }

    @Test func batchOfThreeMessagesArrivesInOneSession() async throws {
        let server = try await EmailTestServer()
        let notifier = try Self.notifier(server, ["tls": .string("none")])
        let batch = try (1...3).map { try Self.outbox(id: "overdue:cx-1:define:\($0)") }
        #expect(await notifier.deliver(batch: batch) == [.delivered, .delivered, .delivered])
        let received = try await server.messages()
        #expect(received.count == 3)
        #expect(server.sessions == 1)
        #expect(Set(received.map(\.envelope.session)) == [1])
        #expect(Set(received.map(\.message_id)).count == 3)
    }

    @Test func startTLSDeliversOverAnEncryptedConnection() async throws {
        let certificate = try await TestCertificate()
        let server = try await EmailTestServer(["--mode", "starttls"], certificate: certificate)
        let notifier = try Self.notifier(server, ["ca_file": .string(certificate.certificate)])
        #expect(await notifier.deliver(try Self.outbox()) == .delivered)
        let received = try await server.messages()
        #expect(received.map(\.envelope.tls) == [true])
    }

    @Test func implicitTLSDeliversOverAnEncryptedConnection() async throws {
        let certificate = try await TestCertificate()
        let server = try await EmailTestServer(["--mode", "implicit"], certificate: certificate)
        let notifier = try Self.notifier(server, ["tls": .string("implicit"), "ca_file": .string(certificate.certificate)])
        #expect(await notifier.deliver(try Self.outbox()) == .delivered)
        #expect(try await server.messages().map(\.envelope.tls) == [true])
    }

    @Test func serverCertificateFromAnUnknownAuthorityIsRefusedAsTemporary() async throws {
        let certificate = try await TestCertificate()
        let server = try await EmailTestServer(["--mode", "implicit"], certificate: certificate)
        let notifier = try Self.notifier(server, ["tls": .string("implicit")])
        let outcome = await notifier.deliver(try Self.outbox())
        guard case .retry(let reason, _) = outcome else {
            Issue.record("expected retry, got \(outcome)")
            return
        }
        #expect(reason.contains("TLS"))
        #expect(try await server.messages().isEmpty)
    }

    @Test func authPlainWithThePasswordFromAFile() async throws {
        let certificate = try await TestCertificate()
        let server = try await EmailTestServer(["--mode", "starttls", "--user", "cxd"], password: "plain-secret", certificate: certificate)
        let secrets = TemporaryDirectory("cxd-secret")
        try secrets.write("password", "plain-secret\n")
        let notifier = try Self.notifier(server, [
            "ca_file": .string(certificate.certificate), "username": .string("cxd"), "password_file": .string(secrets.file("password")),
        ])
        #expect(await notifier.deliver(try Self.outbox()) == .delivered)
        #expect(try await server.messages().map(\.envelope.authenticated) == [true])
    }

    @Test func authLoginWithThePasswordFromAnEnvironmentVariable() async throws {
        let certificate = try await TestCertificate()
        let server = try await EmailTestServer(
            ["--mode", "starttls", "--user", "cxd", "--exclude-auth", "PLAIN"], password: "login-secret", certificate: certificate)
        let notifier = try Self.notifier(
            server,
            ["ca_file": .string(certificate.certificate), "username": .string("cxd"), "password_env": .string("CXD_SMTP_PASSWORD")],
            environment: ["CXD_SMTP_PASSWORD": "login-secret"])
        #expect(await notifier.deliver(try Self.outbox()) == .delivered)
        #expect(try await server.messages().map(\.envelope.authenticated) == [true])
    }

    @Test func wrongPasswordIsAPermanentFailureWhoseReasonDoesNotContainThePassword() async throws {
        let certificate = try await TestCertificate()
        let server = try await EmailTestServer(["--mode", "starttls", "--user", "cxd"], password: "right-secret", certificate: certificate)
        let notifier = try Self.notifier(
            server,
            ["ca_file": .string(certificate.certificate), "username": .string("cxd"), "password_env": .string("CXD_SMTP_PASSWORD")],
            environment: ["CXD_SMTP_PASSWORD": "Wrong-Secret-123"])
        let outcomes = await notifier.deliver(batch: [try Self.outbox(id: "a"), try Self.outbox(id: "b")])
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .failed(let reason) = outcome else {
                Issue.record("expected a permanent failure, got \(outcome)")
                continue
            }
            #expect(reason.contains("535"))
            #expect(!reason.contains("Wrong-Secret-123"))
            #expect(!reason.contains(Data("Wrong-Secret-123".utf8).base64EncodedString()))
        }
        #expect(try await server.messages().isEmpty)
    }

    @Test func recipientAnswered451IsRetriedAnd550FailsWhileTheRestOfTheBatchIsDelivered() async throws {
        let server = try await EmailTestServer(["--reject", "451:busy@example.com", "--reject", "550:gone@example.com"])
        let notifier = try Self.notifier(server, ["tls": .string("none")])
        let outcomes = await notifier.deliver(batch: [
            try Self.outbox(id: "busy", email: "busy@example.com"), try Self.outbox(id: "gone", email: "gone@example.com"),
            try Self.outbox(id: "fine"),
        ])
        try #require(outcomes.count == 3)
        guard case .retry(let temporary, _) = outcomes[0], case .failed(let permanent) = outcomes[1] else {
            Issue.record("expected retry and failed, got \(outcomes)")
            return
        }
        #expect(temporary.contains("451"))
        #expect(permanent.contains("550"))
        #expect(outcomes[2] == .delivered)
        let received = try await server.messages()
        #expect(received.map(\.to) == [["lan@example.com"]])
        #expect(server.sessions == 1)
    }

    @Test func requiredStartTLSThatTheServerDoesNotOfferFailsPermanentlyAndSendsNothing() async throws {
        let server = try await EmailTestServer()
        let notifier = try Self.notifier(server, ["tls": .string("starttls")])
        let outcome = await notifier.deliver(try Self.outbox())
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a permanent failure, got \(outcome)")
            return
        }
        #expect(reason.contains("STARTTLS"))
        #expect(try await server.messages().isEmpty)
    }

    @Test func refusedConnectionIsRetriedNamingTheServer() async throws {
        let port = try ClosedPort.make()
        let notifier = try Self.notifier(port: port, ["tls": .string("none")])
        let outcomes = await notifier.deliver(batch: [try Self.outbox(id: "a"), try Self.outbox(id: "b")])
        let expected = DeliveryOutcome.retry(reason: "SMTP: connection refused by 127.0.0.1:\(port)", after: nil)
        #expect(outcomes == [expected, expected])
    }

    @Test func escalationCopiesTheOwnersManagerWhenConfigured() async throws {
        let server = try await EmailTestServer()
        let notifier = try Self.notifier(server, ["tls": .string("none"), "cc_manager_on_escalation": .bool(true)])
        let escalated = try Self.outbox(id: "escalated", kind: "step.escalated", manager: "minh@example.com")
        let overdue = try Self.outbox(id: "overdue", kind: "step.overdue", manager: "minh@example.com")
        #expect(await notifier.deliver(batch: [escalated, overdue]) == [.delivered, .delivered])
        let received = try await server.messages()
        try #require(received.count == 2)
        #expect(received[0].cc == ["minh@example.com"])
        #expect(received[0].envelope.rcpt_tos == ["lan@example.com", "minh@example.com"])
        #expect(received[0].subject.hasPrefix("Cảnh báo vượt cấp"))
        #expect(received[1].cc.isEmpty)
    }

    @Test func personWithoutAnEmailAddressFailsWithoutStoppingTheBatch() async throws {
        let server = try await EmailTestServer()
        let notifier = try Self.notifier(server, ["tls": .string("none")])
        let outcomes = await notifier.deliver(batch: [try Self.outbox(id: "none", email: nil), try Self.outbox(id: "ok")])
        #expect(outcomes == [.failed(reason: "person 'lan' has no email address"), .delivered])
        #expect(try await server.messages().count == 1)
    }

    @Test func digestIsRenderedAndDelivered() async throws {
        let server = try await EmailTestServer()
        let notifier = try Self.notifier(server, ["tls": .string("none")])
        var payload = try Self.payload(id: "digest:1", kind: "reminder.digest")
        payload.items = [payload.reminder!, payload.reminder!]
        payload.reminder = nil
        #expect(await notifier.deliver(try Self.outbox(payload)) == .delivered)
        let received = try await server.messages()
        #expect(received.first?.subject == "Trong lúc cxd tạm dừng: 2 lời nhắc")
    }

    // MARK: Fixtures

    static func notifier(
        _ server: EmailTestServer, _ options: [String: Document], environment: [String: String] = [:]
    ) throws -> any Notifier {
        try notifier(port: server.port, options, environment: environment)
    }

    /// An email notifier for a server on 127.0.0.1:`port`.
    static func notifier(
        port: Int, _ options: [String: Document], environment: [String: String] = [:]
    ) throws -> any Notifier {
        var all: [String: Document] = [
            "host": .string("127.0.0.1"), "port": .number(Double(port)), "from": .string("cxd@example.com"),
            "from_name": .string(fromName), "timeout": .string("1m"),
        ]
        all.merge(options) { $1 }
        var registry = NotifierRegistry()
        EmailNotifier.register(in: &registry)
        let logger = Logger(label: "test", factory: { _ in SwallowingLogHandler() })
        let notifiers = try registry.make(
            [NotifierConfig(name: "mail", type: "email", options: all)],
            environment: NotifierEnvironment(variables: environment, logger: logger))
        return try #require(notifiers["mail"])
    }

    static func payload(
        id: String = "overdue:cx-1:define:1", kind: String = "step.overdue", email: String? = "lan@example.com",
        manager: String? = nil
    ) throws -> NotificationPayload {
        let created = instant("2026-11-26T01:30:00Z")
        let owner = NotificationPayload.Party(
            id: "lan", name: "Nguyễn Thị Lan", email: email, locale: "vi", timeZone: "Asia/Ho_Chi_Minh")
        let boss = manager.map { NotificationPayload.Party(id: "minh", name: "Trần Văn Minh", email: $0, locale: "vi") }
        let reminder = NotificationPayload.Reminder(
            key: id, kind: kind, initiative: "cx-1", initiativeTitle: initiativeTitle, step: "define", stepTitle: stepTitle,
            cycle: 1, run: 1, owner: owner, ownerManager: boss, level: kind == "step.escalated" ? 2 : 1, sequence: 1,
            dueAt: instant("2026-11-24T10:00:00Z"), scheduledAt: created)
        return NotificationPayload(
            id: id, kind: kind, createdAt: created, recipient: owner, subject: "unused", text: "unused", reminder: reminder,
            items: nil)
    }

    static func outbox(
        id: String = "overdue:cx-1:define:1", kind: String = "step.overdue", email: String? = "lan@example.com",
        manager: String? = nil
    ) throws -> OutboxMessage {
        try outbox(try payload(id: id, kind: kind, email: email, manager: manager))
    }

    static func outbox(_ payload: NotificationPayload) throws -> OutboxMessage {
        OutboxMessage(
            key: payload.id, initiative: "cx-1", kind: payload.kind, notifier: "mail", recipient: payload.recipient.id,
            payload: try NotificationPayload.encoder.encode(payload), createdAt: payload.createdAt)
    }
}
