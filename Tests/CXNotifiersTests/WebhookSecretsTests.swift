import CXConfig
import CXCore
@testable import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// The URL of a chat incoming webhook and `Authorization` headers are secrets: they come from
/// files or cxd's environment, are checked at setup, and never appear in errors.
@Suite("Webhook secrets: url_file, url_env, headers_file, header_env")
struct WebhookSecretsTests {
    let folder = TemporaryDirectory("cxd-webhook-secrets")
    static let secretPath = "/services/T000/B000/s3cr3tXXXX"

    @Test("a URL from url_env or url_file is where the notification goes", arguments: ["url_env", "url_file"])
    func secretURLDelivers(_ option: String) async throws {
        let receiver = try await WebhookReceiver()
        let url = "http://127.0.0.1:\(receiver.port)\(Self.secretPath)"
        try folder.write("chat-url", url + "\n")
        let value: Document = option == "url_env" ? .string("CXD_CHAT_URL") : .string(folder.file("chat-url"))
        let notifier = try WebhookFixtures.notifier(
            [option: value, "sign": .bool(false)], environment: NotifierEnvironment(variables: ["CXD_CHAT_URL": url]))
        let message = try WebhookFixtures.message(WebhookFixtures.overdue())

        #expect(await notifier.deliver(message) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.webhookId == message.key)
    }

    @Test("secret headers from headers_file and header_env are sent with the plain ones")
    func secretHeadersAreSent() async throws {
        let receiver = try await WebhookReceiver()
        try folder.write("chat.headers", """
            # secrets for the chat endpoint
            Authorization: Bearer from-the-file\r

            X-Api-Key:   k-123
            """)
        let notifier = try WebhookFixtures.notifier(
            [
                "url": .string(receiver.url), "sign": .bool(false),
                "headers": .map(["X-Team": .string("cx-vietnam")]),
                "headers_file": .string(folder.file("chat.headers")),
                "header_env": .map(["X-Signature-Key": .string("CXD_SIG_KEY")]),
            ],
            environment: NotifierEnvironment(variables: ["CXD_SIG_KEY": "from-the-environment"]))

        #expect(await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue())) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.headers["authorization"] == "Bearer from-the-file")
        #expect(request.headers["x-api-key"] == "k-123")
        #expect(request.headers["x-signature-key"] == "from-the-environment")
        #expect(request.headers["x-team"] == "cx-vietnam")
    }

    @Test("exactly one of url, url_file and url_env", arguments: [
        [:],
        ["url": Document.string("https://hooks.example.com/a"), "url_env": .string("CXD_CHAT_URL")],
        ["url_file": .string("/nonexistent/chat-url"), "url_env": .string("CXD_CHAT_URL")],
    ])
    func oneURL(_ options: [String: Document]) throws {
        let error = try #require(WebhookFixtures.setupError(
            options.merging(["sign": .bool(false)]) { $1 },
            environment: NotifierEnvironment(variables: ["CXD_CHAT_URL": "https://hooks.example.com\(Self.secretPath)"])))
        #expect(error.notifier == "hook")
        #expect(error.message.contains("url"))
        #expect(!error.description.contains("s3cr3t"))
    }

    @Test("a URL secret that is missing or not a URL is refused, naming the option and never the value")
    func badSecretURL() throws {
        let unset = try #require(WebhookFixtures.setupError(["url_env": .string("CXD_CHAT_URL"), "sign": .bool(false)]))
        #expect(unset.description == "notifier 'hook': url_env: environment variable CXD_CHAT_URL is not set")
        try folder.write("chat-url", "hooks.example.com\(Self.secretPath)\n")
        let notURL = try #require(WebhookFixtures.setupError(["url_file": .string(folder.file("chat-url")), "sign": .bool(false)]))
        #expect(notURL.message == "url_file: the URL it holds must be an http:// or https:// URL with a host")
        let missing = try #require(WebhookFixtures.setupError(["url_file": .string(folder.file("none")), "sign": .bool(false)]))
        #expect(missing.message.hasPrefix("url_file: cannot read"))
    }

    @Test("a bad line of headers_file is reported as file:line:column, without its value", arguments: [
        ("Authorization Bearer s3cr3t", 1, "expected 'Name: value'"),
        ("Bad Name: s3cr3t", 1, "'Bad Name' is not a valid header name"),
        ("Webhook-Signature: s3cr3t", 19, "Webhook-Signature is set by cxd and cannot be replaced"),
        ("Authorization:", 15, "Authorization has no value"),
    ])
    func badHeadersFile(_ line: String, _ column: Int, _ problem: String) throws {
        try folder.write("bad.headers", "# ok\nX-Fine: 1\n\(line)\n")
        let path = folder.file("bad.headers")
        let error = try #require(WebhookFixtures.setupError(
            ["url": .string("https://hooks.example.com/a"), "sign": .bool(false), "headers_file": .string(path)]))
        #expect(error.description == "notifier 'hook': headers_file: \(path):3:\(column): \(problem)")
        #expect(!error.description.contains("s3cr3t"))
    }

    @Test("header_env naming an unset variable, and a header given twice, are setup errors")
    func headerEnvProblems() throws {
        let unset = try #require(WebhookFixtures.setupError([
            "url": .string("https://hooks.example.com/a"), "sign": .bool(false),
            "header_env": .map(["Authorization": .string("CXD_CHAT_AUTH")]),
        ]))
        #expect(unset.message == "header_env: environment variable CXD_CHAT_AUTH (for Authorization) is not set")
        try folder.write("auth.headers", "authorization: Bearer s3cr3t\n")
        let twice = try #require(WebhookFixtures.setupError(
            [
                "url": .string("https://hooks.example.com/a"), "sign": .bool(false),
                "headers_file": .string(folder.file("auth.headers")),
                "header_env": .map(["Authorization": .string("CXD_CHAT_AUTH")]),
            ],
            environment: NotifierEnvironment(variables: ["CXD_CHAT_AUTH": "Bearer s3cr3t"])))
        #expect(twice.message == "header_env: Authorization is already given by headers_file")
        #expect(!twice.description.contains("s3cr3t"))
    }

    @Test("a refused connection to a secret URL names the address only")
    func refusedSecretURLIsNotShown() async throws {
        let port = try ClosedPort.make()
        let notifier = try WebhookFixtures.notifier(
            ["url_env": .string("CXD_CHAT_URL"), "sign": .bool(false), "timeout": .string("5s")],
            environment: NotifierEnvironment(variables: ["CXD_CHAT_URL": "http://127.0.0.1:\(port)\(Self.secretPath)"]))

        let outcome = await notifier.deliver(try WebhookFixtures.message(WebhookFixtures.overdue()))

        #expect(outcome == .retry(reason: "connection refused by 127.0.0.1:\(port)", after: nil))
    }

    @Test("an error that quotes a secret URL shows it as scheme://host/… only")
    func errorTextIsRedacted() throws {
        struct QuotingError: Error, CustomStringConvertible {
            var url: String
            var description: String { "bad request to \(url): broken" }
        }
        let url = "https://hooks.example.com\(Self.secretPath)?token=abc"
        let outcome = WebhookOutcome.outcome(
            error: QuotingError(url: url), timeout: .seconds(5), url: url, shownURL: WebhookSettings.redacted(url))
        #expect(outcome == .retry(reason: "request failed: bad request to https://hooks.example.com/…: broken", after: nil))
    }
}
