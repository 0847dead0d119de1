import CXTestSupport
import Foundation
import Testing

/// The process tests of the command line's manners, notifier checks, shipped files and titles:
/// they run one `cxd` process at a time, so that they do not starve the daemon tests (whose
/// latency bounds are tight) of the 2 cores.
@Suite(.serialized) enum OneProcessAtATime {}

extension OneProcessAtATime {
    /// How the command line behaves towards the person at the terminal (issue 10, item 9).
    @Suite("cxd's manners", .serialized)
    struct CLIMannersTests {
        @Test("help is output: stdout and exit 0, so `cxd --help | less` shows it", arguments: [
            ["--help"], ["help", "status"], ["outbox", "retry", "--help"], ["--version"],
        ])
        func helpGoesToStdout(_ arguments: [String]) async throws {
            let folder = TemporaryDirectory("cxd-help")
            let result = try await CXDProcess.run(arguments, in: folder.path)
            #expect(result.status == 0)
            #expect(!result.stdout.isEmpty)
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }

        @Test func aUsageErrorStillGoesToStderrWithExit2() async throws {
            let folder = TemporaryDirectory("cxd-help")
            let result = try await CXDProcess.run(["status", "--bogus"], in: folder.path)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("--bogus"))
        }

        @Test("outside a project, a command says so and points at cxd init and -c", arguments: [
            ["status"], ["validate"], ["run", "--once"], ["outbox"],
        ])
        func outsideAProjectSaysSo(_ arguments: [String]) async throws {
            let folder = TemporaryDirectory("cxd-nowhere")
            let result = try await CXDProcess.run(arguments, in: folder.path)
            #expect(result.status == 65)
            #expect(result.stderr.hasPrefix("cxd: no cxd project here: config/cxd.yaml does not exist in "), "\(result.stderr)")
            #expect(result.stderr.contains("-c FILE"))
            #expect(result.stderr.contains("`cxd init FOLDER`"))
            #expect(!result.stderr.contains(":1:1:"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing may be written")
        }

        @Test func aMissingFileGivenWithDashCIsNamed() async throws {
            let folder = TemporaryDirectory("cxd-nowhere")
            let result = try await CXDProcess.run(["status", "-c", "elsewhere/cxd.yaml"], in: folder.path)
            #expect(result.status == 65)
            #expect(result.stderr == "cxd: -c elsewhere/cxd.yaml: no such file\n")
        }

        @Test func routesTestShowsTheManagersCopyOnEmailEscalations() async throws {
            let project = try TestProject(keeping: ["pos-checkout"])
            // Registered by a first run (through the file notifier only: nothing is mailed).
            let once = try await CXDProcess.run(["run", "--once", "--now", "2026-11-23T02:00:00Z"], in: project.folder.path)
            #expect(once.status == 0, "\(once.stderr)")
            try project.edit("config/cxd.yaml") {
                $0.replacingOccurrences(of: "\nroutes:\n  default: [log]\n", with: """
                      mail:
                        type: email
                        host: smtp.example.com
                        from: cxd@example.com
                        cc_manager_on_escalation: true

                    routes:
                      default: [log, mail]

                    """)
            }
            let result = try await CXDProcess.run(
                ["routes", "test", "--event", "escalated", "--initiative", "pos-checkout", "--now", "2026-11-23T02:00:00Z"],
                in: project.folder.path)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            // Level 2 goes to the owner's manager herself: no copy. Level 3 goes to the sponsor (the
            // owner, Hùng): his manager Mai is copied by the email notifier only.
            #expect(lines == [
                "step.escalated for pos-checkout, step scope:",
                "  level 2  Đỗ Thị Mai <mai@toc-xinh.example> via log, mail (the default route)",
                "  level 3  Trần Văn Hùng <hung@toc-xinh.example> via log, mail (the default route)",
                "           cc Đỗ Thị Mai <mai@toc-xinh.example> (the owner's manager) via mail",
            ])
            let json = try await CXDProcess.run(
                ["routes", "test", "--event", "escalated", "--initiative", "pos-checkout", "--json", "--now", "2026-11-23T02:00:00Z"],
                in: project.folder.path)
            #expect(json.stdout.contains("\"copies\""))
        }

        @Test func routesTestShowsNoCopyWithoutTheOption() async throws {
            let project = try TestProject(keeping: ["pos-checkout"])
            _ = try await CXDProcess.run(["run", "--once", "--now", "2026-11-23T02:00:00Z"], in: project.folder.path)
            let result = try await CXDProcess.run(
                ["routes", "test", "--event", "escalated", "--initiative", "pos-checkout", "--now", "2026-11-23T02:00:00Z"],
                in: project.folder.path)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("cc "))
        }
    }
}
