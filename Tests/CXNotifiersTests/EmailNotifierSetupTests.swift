import CXConfig
import CXCore
import CXNotifiers
import CXTestSupport
import Foundation
import Testing

extension EmailNotifierTests {
    /// What the factory refuses when the configuration loads, before anything is sent.
    @Suite struct Setup {
        private func make(_ options: [String: Document], environment: [String: String] = [:]) throws(NotifierSetupError) {
            var all: [String: Document] = ["host": .string("smtp.example.com"), "from": .string("cxd@example.com")]
            all.merge(options) { $1 }
            var registry = NotifierRegistry()
            EmailNotifier.register(in: &registry)
            _ = try registry.make(
                [NotifierConfig(name: "mail", type: "email", options: all)], environment: NotifierEnvironment(variables: environment))
        }

        private func setupError(_ options: [String: Document], environment: [String: String] = [:]) -> String? {
            do throws(NotifierSetupError) {
                try make(options, environment: environment)
                return nil
            } catch {
                return error.description
            }
        }

        @Test func registrationDeclaresTheOptionSchema() throws {
            var registry = NotifierRegistry()
            EmailNotifier.register(in: &registry)
            let schema = try #require(registry.schemas["email"])
            #expect(schema.required == ["host": .string, "from": .string])
            #expect(schema.optional["password_file"] == .path)
            #expect(schema.optional["timeout"] == .duration)
            #expect(schema.optional["cc_manager_on_escalation"] == .boolean)
        }

        @Test func minimalConfigurationIsAccepted() throws {
            try make([:])
        }

        @Test func unknownTLSModeNamesTheOptionAndTheAllowedValues() throws {
            let message = try #require(setupError(["tls": .string("ssl")]))
            #expect(message.contains("notifier 'mail'"))
            #expect(message.contains("'tls'"))
            #expect(message.contains("starttls, starttls-optional, implicit, none"))
        }

        @Test func usernameWithoutPasswordAndPasswordWithoutUsernameAreRefused() throws {
            #expect(try #require(setupError(["username": .string("cxd")])).contains("password"))
            let orphan = try #require(setupError(["password_env": .string("PW")], environment: ["PW": "secret"]))
            #expect(orphan.contains("username"))
            #expect(!orphan.contains("secret"))
        }

        @Test func missingPasswordVariableIsRefusedWithoutAValue() throws {
            #expect(try #require(setupError(["username": .string("cxd"), "password_env": .string("NOPE")])).contains("NOPE"))
        }

        @Test(arguments: [
            ("from", Document.string("not-an-address")), ("from", .string("a@b\r\nBcc: x@y")), ("reply_to", .string("x y@z")),
            ("port", .number(70000)), ("timeout", .string("2d")), ("helo_name", .string("bad name")),
            ("ca_file", .string("/nonexistent/ca.pem")), ("host", .string("smtp example")),
        ])
        func invalidOptionValueIsASetupErrorNamingTheOption(_ name: String, _ value: Document) throws {
            let message = try #require(setupError([name: value]))
            #expect(message.contains("'\(name)'"))
        }

        @Test func brokenTemplateIsASetupErrorWithFileLineAndColumn() throws {
            let folder = TemporaryDirectory("cxd-templates")
            try folder.write("step.overdue.vi.text.mustache", "Xin chào\n{{#unclosed}}\n")
            let message = try #require(setupError(["templates": .string(folder.path)]))
            #expect(message.contains("'templates'"))
            #expect(message.contains(folder.file("step.overdue.vi.text.mustache") + ":"))
            #expect(message.range(of: #"\.mustache:\d+:\d+: "#, options: .regularExpression) != nil)
        }
    }
}
