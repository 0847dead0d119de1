import CXTestSupport
import Foundation
import Testing

/// The dashboard in a real browser: headless Chromium, driven by selenium through the
/// Debian chromedriver (`Tests/browser/dashboard.py`), against a real `cxd run` whose step
/// notifications go by email to a real SMTP server (aiosmtpd). The script reads every page,
/// signs in, clicks "Done", follows the one-click link of a received mail, checks refusals
/// and takes a screenshot of every page.
///
/// Screenshots go to a temporary folder; with `CXD_SCREENSHOTS=docs/screenshots` (relative to
/// the repository, or absolute) they are written there, for the README.
@Suite("The dashboard, in a real browser and over HTTP", .serialized)
struct DashboardBrowserTests {
    static let script = repositoryRoot().appendingPathComponent("Tests/browser/dashboard.py").path
    static let smtpServer = repositoryRoot().appendingPathComponent("Tests/CXNotifiersTests/Support/smtp_server.py").path
    /// What one run of the script may take at most (Chromium's start included).
    static let scriptTimeout: TimeInterval = 300

    @Test func everyPageRendersAndTheStepOwnerMovesOnByButtonAndByMailedLink() async throws {
        try await PythonTools.requireEnvironment()
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing (apt-get install chromium chromium-driver)")
        }
        let mail = try await MailCatcher()
        defer { mail.stop() }
        let daemon = try await WebDaemon { project in
            // The example's active initiative started ten days ago, whatever today is: its first
            // step (hung's) is open and overdue.
            let started = Date().addingTimeInterval(-10 * 86_400).formatted(.iso8601.year().month().day())
            try project.edit("config/initiatives/pos-checkout.yaml") { text in
                text.replacingOccurrences(of: "start: 2026-11-23", with: "start: \(started)")
            }
            try project.edit("config/cxd.yaml") { yaml in
                yaml.replacingOccurrences(of: "routes:\n  default: [log]", with: """
                      mail:
                        type: email
                        host: 127.0.0.1
                        port: \(mail.port)
                        tls: none
                        from: cxd@toc-xinh.example
                    routes:
                      default: [log]
                      rules:
                        - events: [step.started, step.reassigned, step.due_soon, step.overdue, step.escalated]
                          notifiers: [mail]
                    """)
            }
        }
        defer { daemon.process.signal(SIGTERM) }
        try await Self.importAnswers(into: daemon.project)

        let screenshots = Self.screenshotFolder() ?? mail.folder.file("screenshots")
        let folder = TemporaryDirectory("cxd-browser")
        let started = Date()
        let result = try await Self.run(
            [
                Self.script, "--base-url", daemon.baseURL, "--admin-token", WebDaemon.adminToken,
                "--person-token", WebDaemon.personToken, "--person", WebDaemon.person, "--initiative", "pos-checkout",
                "--mail-dir", mail.folder.file("out"), "--screenshots", screenshots,
            ], in: folder)
        let context = "the script said:\n\(result.stdout)\n\(result.stderr)\nthe daemon's log:\n\(daemon.process.stderr.suffix(4000))"
        try #require(result.status == 0, "dashboard.py failed after \(Int(Date().timeIntervalSince(started))) s; \(context)")
        for name in ["login", "person", "index", "initiative", "link", "link-done", "index-vi", "initiative-vi"] {
            let path = "\(screenshots)/\(name).png"
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "no screenshot \(name).png (or an empty one: \(size) bytes)")
        }
        let stopped = await daemon.stop()
        #expect(stopped.status == 0, "the daemon did not stop cleanly: \(stopped.stderr.suffix(2000))")
    }

    @Test func theOverviewShowsAHundredInitiativesAPageAndLinksToTheNext() async throws {
        let daemon = try await WebDaemon { project in
            let template = try project.folder.read("config/initiatives/support-effort.yaml")
            for number in 1...120 {
                let id = String(format: "bulk-%03d", number)
                try project.folder.write(
                    "config/initiatives/\(id).yaml", template.replacingOccurrences(of: "id: support-effort", with: "id: \(id)"))
            }
        }
        defer { daemon.process.signal(SIGTERM) }
        // 123 initiatives: bulk-001…120, onboarding-nps, pos-checkout, support-effort (by id).
        let first = try await daemon.request("GET", "/", token: WebDaemon.adminToken)
        #expect(first.status == 200)
        #expect(Self.rows(first.body) == (1...100).map { String(format: "bulk-%03d", $0) })
        let next = try #require(Self.nextPage(first.body), "the first page has no link to the next")
        #expect(next == "/?after=bulk-100")
        let second = try await daemon.request("GET", next, token: WebDaemon.adminToken)
        #expect(Self.rows(second.body) == (101...120).map { String(format: "bulk-%03d", $0) } + ["onboarding-nps", "pos-checkout", "support-effort"])
        #expect(Self.nextPage(second.body) == nil, "the last page links to a next one")
    }

    /// The initiative ids an overview page lists, in order.
    static func rows(_ html: String) -> [String] {
        html.components(separatedBy: "<td class=\"title\">").dropFirst().compactMap { cell in
            cell.range(of: "href=\"/initiatives/").map { String(cell[$0.upperBound...].prefix { $0 != "\"" }) }
        }
    }

    /// The overview's link to its next page (`rel="next"`), if any.
    static func nextPage(_ html: String) -> String? {
        html.components(separatedBy: "<a href=\"").dropFirst().first { $0.contains("\" rel=\"next\"") && $0.hasPrefix("/?") }
            .map { String($0.prefix { $0 != "\"" }) }
    }

    /// Forty survey answers for pos-checkout, imported with `cxd survey import` while the
    /// daemon runs: the pages then show a metric with its interval, and the low scores open
    /// follow-ups with customers.
    static func importAnswers(into project: TestProject) async throws {
        let lines = (0..<40).map { index -> String in
            let score = [5, 4, 4, 5, 3, 4, 5, 2, 4, 5][index % 10]
            let touchpoint = ["checkout", "salon-reception", "aftercare-sms"][index % 3]
            let comment = score <= 2 ? #", "comment": "Xếp hàng chờ thanh toán quá lâu""# : ""
            return #"{"respondent": "customer-\#(index)", "timestamp": "2026-11-20T10:00:00Z", "score": \#(score), "touchpoint": "\#(touchpoint)"\#(comment)}"#
        }
        try project.folder.write("answers.jsonl", lines.joined(separator: "\n") + "\n")
        let imported = try await CXDProcess.run(
            ["survey", "import", project.folder.file("answers.jsonl"), "--initiative", "pos-checkout", "-c", project.configPath],
            in: project.folder.path)
        try #require(imported.status == 0, "cxd survey import failed: \(imported.stderr)")
    }

    /// Where `CXD_SCREENSHOTS` asks for the screenshots (relative to the repository).
    static func screenshotFolder() -> String? {
        guard let asked = ProcessInfo.processInfo.environment["CXD_SCREENSHOTS"], !asked.isEmpty else { return nil }
        return asked.hasPrefix("/") ? asked : repositoryRoot().appendingPathComponent(asked).path
    }

    /// Runs the test environment's Python with `arguments`, killed after `scriptTimeout`.
    static func run(_ arguments: [String], in folder: TemporaryDirectory) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PythonTools.python)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        for name in ["out", "err"] { _ = FileManager.default.createFile(atPath: folder.file(name), contents: nil) }
        process.standardOutput = FileHandle(forWritingAtPath: folder.file("out"))
        process.standardError = FileHandle(forWritingAtPath: folder.file("err"))
        try process.run()
        if await CXDProcess.waitFor(timeout: scriptTimeout, { !process.isRunning }) == nil {
            process.terminate()
            _ = await CXDProcess.waitFor(timeout: 10) { !process.isRunning }
            return (-1, (try? folder.read("out")) ?? "", "timed out after \(Int(scriptTimeout)) s\n" + ((try? folder.read("err")) ?? ""))
        }
        return (process.terminationStatus, (try? folder.read("out")) ?? "", (try? folder.read("err")) ?? "")
    }
}

/// The email notifier tests' SMTP server (`smtp_server.py`, aiosmtpd) on a free loopback
/// port: it writes every message it accepts into `out/` and stops when its stdin closes.
private final class MailCatcher: @unchecked Sendable {
    let folder = TemporaryDirectory("cxd-mail")
    private let process = Process()
    private let input = Pipe()
    private(set) var port = 0

    init() async throws {
        process.executableURL = URL(fileURLWithPath: PythonTools.python)
        process.arguments = [DashboardBrowserTests.smtpServer, "--out", folder.file("out"), "--lifetime", "600"]
        process.standardInput = input
        for name in ["port", "err"] { _ = FileManager.default.createFile(atPath: folder.file(name), contents: nil) }
        process.standardOutput = FileHandle(forWritingAtPath: folder.file("port"))
        process.standardError = FileHandle(forWritingAtPath: folder.file("err"))
        try process.run()
        var port: Int?
        _ = await CXDProcess.waitFor(timeout: 60) {
            let text = (try? folder.read("port")) ?? ""
            if text.hasSuffix("\n") { port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
            return port != nil || !process.isRunning
        }
        guard let port else {
            stop()
            throw DidNotStart(stderr: (try? folder.read("err")) ?? "")
        }
        self.port = port
    }

    struct DidNotStart: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "smtp_server.py did not start: \(stderr)" }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if CXDProcess.waitForBlocking(timeout: 10, { !self.process.isRunning }) == nil, process.isRunning {
            process.terminate()
        }
    }
}
