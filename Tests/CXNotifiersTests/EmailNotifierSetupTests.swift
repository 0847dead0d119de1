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

extension EmailNotifierTests.Setup {
    @Test func everyProblemOfTheNotifierIsReportedAtOnceEachWithItsOption() throws {
        var registry = NotifierRegistry()
        EmailNotifier.register(in: &registry)
        let config = NotifierConfig(name: "mail", type: "email", options: [
            "host": .string("smtp example"), "from": .string("not-an-address"), "port": .number(70000),
            "tls": .string("ssl"), "username": .string("cxd"), "password_env": .string("NOPE"),
            "ca_file": .string("/nonexistent/ca.pem"),
        ])
        let problems = registry.problems(in: config, environment: NotifierEnvironment(variables: [:]))
        #expect(problems.map(\.option) == ["host", "from", "tls", "port", "password_env", "ca_file"])
        #expect(problems.allSatisfy { $0.place == nil })
        #expect(!problems.contains { $0.option == "username" }, "no second problem for the password that could not be read")
    }

    @Test func everyBrokenTemplateIsReportedAtItsOwnLineAndColumn() throws {
        let folder = TemporaryDirectory("cxd-templates")
        try folder.write("step.overdue.vi.text.mustache", "Xin chào\n{{#unclosed}}\n")
        try folder.write("step.overdue.en.subject.mustache", "Overdue: {{step_title}")
        try folder.write("any.en.html.mustache", "<p>{{#a}}x{{/b}}</p>\n")
        try folder.write("step.nope.en.text.mustache", "fine\n")
        var registry = NotifierRegistry()
        EmailNotifier.register(in: &registry)
        let problems = registry.problems(
            in: NotifierConfig(name: "mail", type: "email", options: [
                "host": .string("smtp.example.com"), "from": .string("cxd@example.com"), "templates": .string(folder.path),
            ]), environment: NotifierEnvironment(variables: [:]))
        #expect(problems.count == 4)
        #expect(problems.allSatisfy { $0.option == "templates" })
        let byFile = Dictionary(uniqueKeysWithValues: problems.compactMap { problem in
            problem.place.map { (($0.file as NSString).lastPathComponent, "\($0.line):\($0.column) \(problem.message)") }
        })
        #expect(byFile["any.en.html.mustache"]
            == "1:14 invalid Mustache template: this '{{/name}}' closes a section that was opened with another name (or was never opened)")
        #expect(byFile["step.overdue.en.subject.mustache"]
            == "1:10 invalid Mustache template: the template ends inside a tag: this '{{' is never closed with '}}' (or a '{{!' comment never ends)")
        #expect(byFile["step.overdue.vi.text.mustache"]?.hasSuffix(
            "invalid Mustache template: a section is never closed: every '{{#name}}' or '{{^name}}' needs its '{{/name}}'") == true)
        #expect(byFile["step.nope.en.text.mustache"]?.hasPrefix("1:1 unknown kind 'step.nope'") == true)
    }
}
