import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("Webhook setup errors")
struct WebhookSetupTests {
    let url: Document = .string("https://hooks.example.com/cxd")
    let environment = NotifierEnvironment(variables: ["S": WebhookFixtures.secret, "PLAIN": "hunter2-very-secret"])

    @Test("a URL that is not http or https with a host is a setup error", arguments: [
        "ftp://example.com/x", "example.com/hook", "https://", "http:///path", "not a url", "https://exa mple.com/",
    ])
    func badURL(_ text: String) throws {
        let error = try #require(WebhookFixtures.setupError(["url": .string(text), "sign": .bool(false)]))
        #expect(error.message.contains("url must be an http:// or https:// URL"))
        #expect(error.notifier == "hook")
    }

    @Test("a signed webhook without a secret is a setup error that points to sign: false")
    func missingSecret() throws {
        let error = try #require(WebhookFixtures.setupError(["url": url]))
        #expect(error.message.contains("secret_file or secret_env"))
        #expect(error.message.contains("sign: false"))
    }

    @Test("a secret without the whsec_ prefix is refused without being echoed")
    func secretWithoutPrefix() throws {
        let error = try #require(
            WebhookFixtures.setupError(["url": url, "secret_env": .string("PLAIN")], environment: environment))
        #expect(error.message.contains("whsec_"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test("a whsec_ secret that is not base64 is refused without being echoed")
    func secretNotBase64() throws {
        let environment = NotifierEnvironment(variables: ["BAD": "whsec_not*base64!hunter2"])
        let error = try #require(WebhookFixtures.setupError(["url": url, "secret_env": .string("BAD")], environment: environment))
        #expect(!error.description.contains("hunter2"))
        let previous = try #require(WebhookFixtures.setupError(
            ["url": url, "secret_env": .string("S"), "previous_secret_env": .string("BAD")],
            environment: NotifierEnvironment(variables: ["S": WebhookFixtures.secret, "BAD": "whsec_not*base64!hunter2"])))
        #expect(previous.message.contains("previous_secret"))
        #expect(!previous.description.contains("hunter2"))
    }

    @Test("a missing secret file or variable is a setup error")
    func unreadableSecret() throws {
        #expect(WebhookFixtures.setupError(["url": url, "secret_env": .string("NOPE")]) != nil)
        #expect(WebhookFixtures.setupError(["url": url, "secret_file": .string("/nonexistent/secret")]) != nil)
    }

    @Test("sign: false with a secret configured is a contradiction, and is refused")
    func signFalseWithSecret() throws {
        let error = try #require(WebhookFixtures.setupError(
            ["url": url, "sign": .bool(false), "secret_env": .string("S")], environment: environment))
        #expect(error.message.contains("sign is false"))
    }

    @Test("custom headers may not replace the webhook and content-type headers", arguments: [
        "webhook-signature", "Webhook-Id", "WEBHOOK-TIMESTAMP", "Content-Type",
    ])
    func reservedHeaders(_ name: String) throws {
        let error = try #require(WebhookFixtures.setupError(
            ["url": url, "sign": .bool(false), "headers": .map([name: .string("x")])]))
        #expect(error.message.contains("set by cxd"))
    }

    @Test("header names must be tokens and values one line")
    func malformedHeaders() throws {
        #expect(WebhookFixtures.setupError(["url": url, "sign": .bool(false), "headers": .map(["Bad Name": .string("x")])]) != nil)
        let error = try #require(WebhookFixtures.setupError(
            ["url": url, "sign": .bool(false), "headers": .map(["X-Token": .string("abc\r\nX-Evil: 1")])]))
        #expect(!error.message.contains("X-Evil"))
    }

    @Test("format, template and timeout options are checked", arguments: [
        ["format": Document.string("xml")],
        ["format": .string("template")],
        ["format": .string("template"), "template": .string("/nonexistent/t.mustache")],
        ["template": .string("/tmp/t.mustache")],
        ["timeout": .string("10")],
        ["timeout": .string("0s")],
        ["timeout": .string("1h")],
    ])
    func badOptions(_ extra: [String: Document]) throws {
        let options = ["url": url, "sign": Document.bool(false)].merging(extra) { _, new in new }
        #expect(WebhookFixtures.setupError(options) != nil)
    }

    @Test("good options set up a notifier")
    func goodOptions() throws {
        let options: [String: Document] = [
            "url": .string("http://127.0.0.1:8080/hook?x=1"), "secret_env": .string("S"), "timeout": .string("1500ms"),
            "format": .string("cloudevents"), "headers": .map(["Authorization": .string("Bearer x")]),
        ]
        #expect(WebhookFixtures.setupError(options, environment: environment) == nil)
    }

    @Test("the registered webhook type declares its options for the configuration loader")
    func registeredSchema() throws {
        let schema = try #require(WebhookFixtures.registry.schemas["webhook"])
        #expect(schema.required.isEmpty)  // one of url, url_file, url_env: checked at setup
        #expect(schema.optional["url"] == .string)
        #expect(schema.optional["url_file"] == .path)
        #expect(schema.optional["url_env"] == .string)
        #expect(schema.optional["headers_file"] == .path)
        #expect(schema.optional["header_env"] == .stringMap)
        #expect(schema.optional["secret_file"] == .path)
        #expect(schema.optional["previous_secret_env"] == .string)
        #expect(schema.optional["headers"] == .stringMap)
        #expect(schema.optional["template"] == .path)
        #expect(schema.optional["secret"] == nil)
    }
}
