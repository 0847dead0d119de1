import CXConfig
import CXCore
import CXNotifiers
import CXTestSupport
import Foundation
import Testing

/// Secrets never live in cxd.yaml: the loader refuses plain values under secret-looking names
/// (exec `env:`, webhook `headers:`) at their file:line:column, and the options that fetch
/// secrets from files or cxd's environment load with their paths resolved.
@Suite("Secrets in cxd.yaml")
struct SecretsInYAMLTests {
    /// The example project with `notifiers` as its notifiers section.
    func project(notifiers: String) throws -> TestProject {
        let project = try TestProject()
        let config = try project.folder.read("config/cxd.yaml")
        let start = try #require(config.range(of: "notifiers:"))
        let end = try #require(config.range(of: "routes:"))
        try project.folder.write(
            "config/cxd.yaml", config.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: notifiers + "\n"))
        return project
    }

    /// `cxd.yaml:line:column` of the first occurrence of `text` in the project's cxd.yaml.
    func position(of text: String, in project: TestProject) throws -> String {
        let lines = try project.folder.read("config/cxd.yaml").split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains(text) })
        let column = try #require(lines[line].range(of: text)).lowerBound
        return "cxd.yaml:\(line + 1):\(lines[line].distance(from: lines[line].startIndex, to: column) + 1)"
    }

    @Test("a secret-looking plain value is refused where it is written, without echoing it", arguments: [
        ("API_TOKEN", """
            notifiers:
              plugin:
                type: exec
                path: plugins/notify-example.py
                env:
                  CXD_CHANNEL: cx-team
                  API_TOKEN: tok-very-secret
            """),
        ("Authorization", """
            notifiers:
              chat:
                type: webhook
                url: https://chat.example.com/hooks/cxd
                sign: false
                headers:
                  X-Team: cx-vietnam
                  Authorization: Bearer tok-very-secret
            """),
    ])
    func plainSecretRefused(_ key: String, _ yaml: String) throws {
        let project = try project(notifiers: yaml)

        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(from: project.configPath, notifierTypes: NotifierRegistry.standard.schemas)
        }

        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("\(try position(of: key + ":", in: project)): secrets do not belong in YAML: \(key) looks like one"))
        #expect(!text.contains("tok-very-secret"))
    }

    @Test("secrets from files and cxd's environment load, with their paths resolved against the config folder")
    func secretOptionsLoad() throws {
        let project = try project(notifiers: """
            notifiers:
              plugin:
                type: exec
                path: plugins/notify-example.py
                env:
                  CXD_CHANNEL: cx-team
                pass_env: [CXD_PLUGIN_TOKEN]
              chat:
                type: webhook
                url_file: secrets/chat-url
                sign: false
                headers_file: secrets/chat.headers
                header_env:
                  X-Api-Key: CXD_CHAT_API_KEY
              log:
                type: file
                path: ../state/notifications.jsonl
            """)
        try project.folder.write("config/secrets/chat-url", "https://chat.example.com/hooks/s3cr3t\n")
        try project.folder.write("config/secrets/chat.headers", "Authorization: Bearer s3cr3t\n")

        let configuration = try ConfigurationLoader.load(from: project.configPath, notifierTypes: NotifierRegistry.standard.schemas)
        let chat = try #require(configuration.notifiers.first { $0.name == "chat" })
        #expect(chat.options["url_file"]?.stringValue == project.folder.file("config/secrets/chat-url"))
        #expect(chat.options["headers_file"]?.stringValue == project.folder.file("config/secrets/chat.headers"))
        let notifiers = try NotifierRegistry.standard.make(
            configuration.notifiers,
            environment: NotifierEnvironment(variables: ["CXD_PLUGIN_TOKEN": "t", "CXD_CHAT_API_KEY": "k", "PATH": "/usr/bin:/bin"]))
        #expect(Set(notifiers.keys) == ["plugin", "chat", "log"])
    }
}
