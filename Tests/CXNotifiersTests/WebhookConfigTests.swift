import CXConfig
import CXCore
import CXNotifiers
import CXTestSupport
import Foundation
import Testing

/// The README's webhook samples, loaded from YAML by the real configuration loader.
@Suite("Webhook notifiers in cxd.yaml")
struct WebhookConfigTests {
    static let notifiersYAML = """
        notifiers:
          log:
            type: file
            path: ../state/notifications.jsonl
          ops-hook:
            type: webhook
            url: https://hooks.example.com/cxd
            secret_file: secrets/ops-hook.secret
            previous_secret_env: CXD_OPS_HOOK_PREVIOUS
            timeout: 5s
            headers:
              X-Team: cx-vietnam
          events:
            type: webhook
            url: http://127.0.0.1:8080/events
            sign: false
            format: cloudevents
          slack:
            type: webhook
            url_file: secrets/slack-url
            sign: false
            format: template
            template: templates/slack.json.mustache
          tickets:
            type: webhook
            url: https://tickets.example.com/api/events
            sign: false
            headers_file: secrets/tickets.headers
            header_env:
              X-Api-Key: CXD_TICKETS_API_KEY

        """

    @Test("the README's webhook samples load and set up, with paths resolved against the config folder")
    func readmeSamplesLoad() throws {
        let project = try TestProject()
        let config = try project.folder.read("config/cxd.yaml")
        let start = try #require(config.range(of: "notifiers:"))
        let end = try #require(config.range(of: "routes:"))
        try project.folder.write(
            "config/cxd.yaml", config.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: Self.notifiersYAML))
        try project.folder.write("config/secrets/ops-hook.secret", WebhookFixtures.secret + "\n")
        try project.folder.write("config/templates/slack.json.mustache", #"{"text": "*{{subject}}*\n{{text}}"}"#)
        try project.folder.write("config/secrets/slack-url", "https://hooks.slack.com/services/T000/B000/XXXX\n")
        try project.folder.write("config/secrets/tickets.headers", "Authorization: Bearer t0ken\n")
        var registry = NotifierRegistry.standard
        WebhookNotifier.register(in: &registry)

        let configuration = try ConfigurationLoader.load(from: project.configPath, notifierTypes: registry.schemas)
        let hook = try #require(configuration.notifiers.first { $0.name == "ops-hook" })
        #expect(hook.options["secret_file"]?.stringValue == project.folder.file("config/secrets/ops-hook.secret"))
        let notifiers = try registry.make(
            configuration.notifiers,
            environment: NotifierEnvironment(variables: [
                "CXD_OPS_HOOK_PREVIOUS": WebhookFixtures.previousSecret, "CXD_TICKETS_API_KEY": "k-123",
            ]))

        #expect(Set(notifiers.keys) == ["log", "ops-hook", "events", "slack", "tickets"])
    }

    @Test("a plain-text secret in the YAML is refused by the loader")
    func plainSecretRefused() throws {
        let project = try TestProject()
        let config = try project.folder.read("config/cxd.yaml")
        try project.folder.write("config/cxd.yaml", config.replacingOccurrences(of: """
              path: ../state/notifications.jsonl
            """, with: """
              path: ../state/notifications.jsonl
              hook:
                type: webhook
                url: https://hooks.example.com/cxd
                secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
            """))
        var registry = NotifierRegistry.standard
        WebhookNotifier.register(in: &registry)

        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(from: project.configPath, notifierTypes: registry.schemas)
        }
        #expect(error.map { "\($0)" }?.contains("secrets do not belong in YAML") == true)
        #expect(error.map { "\($0)" }?.contains("MfKQ9r8G") == false)
    }
}
