import CXTestSupport
import Foundation
import Testing

extension OneProcessAtATime {
    /// `cxd validate` and `cxd run` build every notifier (connecting nowhere) and report each
    /// problem with the YAML's own: at the option's key in cxd.yaml, a template's problem at the
    /// template's own line and column, all counted in one summary.
    @Suite("Notifier problems in validate and run", .serialized)
    struct NotifierValidationTests {
        /// The example project with an email notifier (a missing password file, a broken template,
        /// a bad port), an exec notifier (not executable, a bad timeout) and a misspelt time zone.
        func brokenProject() throws -> TestProject {
            let project = try TestProject(keeping: ["pos-checkout"])
            try project.folder.write("templates/step.overdue.en.text.mustache", "Hello {{recipient_name}},\n  {{step_title\n")
            try project.folder.write("templates/any.vi.subject.mustache", "{{#initiative}}{{step}}\n")
            try project.folder.write("plugin.sh", "#!/bin/sh\nexit 0\n")  // not executable
            try project.edit("config/cxd.yaml") {
                $0.replacingOccurrences(of: "time_zone: Asia/Ho_Chi_Minh ", with: "time_zone: Asia/Ho_Chi_Mihn ")
                    .replacingOccurrences(of: """
                          path: ../state/notifications.jsonl

                        """, with: """
                          path: ../state/notifications.jsonl
                          mail:
                            type: email
                            host: smtp.example.com
                            port: 70000
                            from: cxd@example.com
                            username: cxd
                            password_file: ../secrets/smtp-password
                            templates: ../templates
                          plugin:
                            type: exec
                            path: ../plugin.sh
                            timeout: 2d

                        """)
            }
            return project
        }

        static let expected = [
            "config/cxd.yaml:3:12: unknown time zone 'Asia/Ho_Chi_Mihn'; did you mean 'Asia/Ho_Chi_Minh'?",
            "config/cxd.yaml:37:5: notifier 'mail': option 'port': 70000 is not a port number (1–65535)",
            "config/cxd.yaml:40:5: notifier 'mail': password_file: cannot read ",
            "config/cxd.yaml:44:5: notifier 'plugin': path: ",
            "config/cxd.yaml:45:5: notifier 'plugin': timeout must be seconds, minutes or hours (like 30s), found 2d",
            "templates/any.vi.subject.mustache:2:1: invalid Mustache template: a section is never closed: every '{{#name}}' or '{{^name}}' needs its '{{/name}}' (option 'templates' of notifier 'mail', config/cxd.yaml:41:5)",
            "templates/step.overdue.en.text.mustache:2:3: invalid Mustache template: the template ends inside a tag: this '{{' is never closed with '}}' (or a '{{!' comment never ends) (option 'templates' of notifier 'mail', config/cxd.yaml:41:5)",
        ]

        func check(_ result: CXDProcess.Result) {
            #expect(result.status == 65)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == Self.expected.count + 1, "\(result.stderr)")
            for (line, expected) in zip(lines, Self.expected) {
                #expect(line.hasPrefix(expected), "\(line)\nexpected: \(expected)")
            }
            #expect(lines.last == "7 errors in the configuration; nothing was changed")
        }

        @Test func validateReportsEveryNotifierProblemAtItsKeyWithTheYAMLProblemsInOneCount() async throws {
            let project = try brokenProject()
            let result = try await CXDProcess.run(["validate"], in: project.folder.path)
            check(result)
            #expect(!FileManager.default.fileExists(atPath: project.databasePath), "nothing may be written")
        }

        @Test func runReportsTheSameProblemsAtStartAndWritesNothing() async throws {
            let project = try brokenProject()
            let result = try await CXDProcess.run(["run", "--once"], in: project.folder.path)
            check(result)
            #expect(!FileManager.default.fileExists(atPath: project.databasePath), "nothing may be written")
        }

        @Test func aSecretNeverAppearsInTheReport() async throws {
            let project = try TestProject(keeping: ["pos-checkout"])
            try project.folder.write("secrets/hook", "not-a-standard-webhooks-secret-s3cr3t\n")
            try project.edit("config/cxd.yaml") {
                $0.replacingOccurrences(of: "\nroutes:\n", with: """
                      hook:
                        type: webhook
                        url: https://hooks.example.com/cxd
                        secret_file: ../secrets/hook

                    routes:

                    """)
            }
            let result = try await CXDProcess.run(["validate"], in: project.folder.path)
            #expect(result.status == 65)
            #expect(result.stderr.contains("notifier 'hook': secret must be 'whsec_' followed by base64"), "\(result.stderr)")
            #expect(result.stderr.contains("config/cxd.yaml:37:5: "), "reported at secret_file: \(result.stderr)")
            #expect(!result.stderr.contains("s3cr3t"))
            #expect(result.stderr.contains("1 error in the configuration"))
        }
    }
}
