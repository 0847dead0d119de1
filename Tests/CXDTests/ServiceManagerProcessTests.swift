import CXTestSupport
import Foundation
import Testing

/// cxd run by systemd, with the test in systemd's place: the notify socket a `Type=notify` unit
/// listens on (sd_notify), and the journal as stderr (`JOURNAL_STREAM`). The real process and
/// real signals; every wait is a bounded poll for a datagram or a line to arrive.
@Suite("cxd under systemd", .serialized)
struct ServiceManagerProcessTests {
    func fields(_ message: String) -> [String: String] { NotifyReceiver.fields(message) }

    /// Appends a line the YAML parser refuses to the only initiative's file.
    func breakInitiative(_ project: TestProject) throws {
        try project.edit("config/initiatives/pos-checkout.yaml") { $0 + "\nbogus: [\n" }
    }

    @Test(arguments: NotifyReceiver.Kind.allCases)
    func theDaemonTellsSystemdItIsReadyReloadingAndStopping(socket: NotifyReceiver.Kind) async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.workAroundTheClock()  // the real clock: any day, any hour
        let systemd = try NotifyReceiver(socket)
        let daemon = try CXDProcess.start(["run"], in: project.folder.path, environment: ["NOTIFY_SOCKET": systemd.address])
        defer { daemon.signal(SIGKILL) }

        let ready = try #require(await systemd.next { fields($0)["READY"] == "1" }, "no READY=1: \(daemon.stderr)")
        #expect(ready.index == 0, "READY=1 comes first: \(systemd.received)")
        #expect(fields(ready.message)["STATUS"]?.hasPrefix("watching 1 initiative; ") == true, "\(ready.message)")
        let evaluated = await systemd.next(after: ready.index + 1) { fields($0)["STATUS"]?.contains("next wake ") == true }
        #expect(evaluated != nil, "the status names the next wake once evaluated: \(systemd.received)")

        // SIGHUP (`systemctl reload`): RELOADING=1 stamped with CLOCK_MONOTONIC when the reload
        // began, then READY=1 when it is done.
        let before = NotifyReceiver.monotonicMicroseconds()
        daemon.signal(SIGHUP)
        let reloading = try #require(
            await systemd.next(after: ready.index + 1) { fields($0)["RELOADING"] == "1" }, "no RELOADING=1: \(systemd.received)")
        let after = NotifyReceiver.monotonicMicroseconds()
        let stamp = try #require(fields(reloading.message)["MONOTONIC_USEC"].flatMap { UInt64($0) }, "\(reloading.message)")
        #expect(before <= stamp && stamp <= after)
        let reloaded = try #require(
            await systemd.next(after: reloading.index + 1) { fields($0)["READY"] == "1" }, "no READY=1 after the reload: \(systemd.received)")
        #expect(fields(reloaded.message)["STATUS"]?.contains("refused") == false, "\(reloaded.message)")

        // A reload refused: still READY=1 (the running configuration is in force), with the reason.
        try breakInitiative(project)
        daemon.signal(SIGHUP)
        let refusing = try #require(await systemd.next(after: reloaded.index + 1) { fields($0)["RELOADING"] == "1" })
        let refused = try #require(
            await systemd.next(after: refusing.index + 1) { fields($0)["READY"] == "1" }, "no READY=1 after a refusal: \(systemd.received)")
        let status = fields(refused.message)["STATUS"] ?? ""
        #expect(status.contains("last reload refused, running configuration kept: "), "\(status)")
        #expect(status.contains("pos-checkout.yaml"), "the status names the file at fault: \(status)")

        // SIGTERM (`systemctl stop`): STOPPING=1 as soon as the stop begins, then a clean exit.
        daemon.signal(SIGTERM)
        let stopping = await systemd.next(after: refused.index + 1) { fields($0)["STOPPING"] == "1" }
        #expect(stopping != nil, "no STOPPING=1: \(systemd.received)")
        let result = await daemon.wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func underTheJournalEveryLineCarriesItsPriorityAndNoTimestamp() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.workAroundTheClock()  // the real clock: any day, any hour
        let daemon = try CXDProcess.start(["run", "--log-level", "debug"], in: project.folder.path, journal: true)
        defer { daemon.signal(SIGKILL) }
        let running = await CXDProcess.waitFor(timeout: 120) { daemon.stderr.contains("cxd running on") }
        #expect(running != nil, "\(daemon.stderr)")
        try breakInitiative(project)
        daemon.signal(SIGHUP)
        let refused = await CXDProcess.waitFor(timeout: 120) { daemon.stderr.contains("reload refused") }
        #expect(refused != nil, "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        let result = await daemon.wait(timeout: 30)
        #expect(result.status == 0)

        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.wholeMatch(of: /<[0-7]>.*/) != nil, "a line without its priority: \(line)")
            // journald stamps each line itself: a second timestamp (the handler's own, as the
            // terminal format writes it) would only repeat it.
            #expect(line.firstMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}/) == nil, "a line with a timestamp: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix("<6>cxd running on ") }, "info is <6>")
        #expect(lines.contains { $0.hasPrefix("<7>evaluated: ") }, "debug is <7>")
        // A message of several lines: each line is an entry of its own, every one at error priority.
        let error = try #require(lines.firstIndex(of: "<3>reload refused, keeping the running configuration:"), "error is <3>: \(lines)")
        #expect(lines[error + 1].hasPrefix("<3>") && lines[error + 1].contains("pos-checkout.yaml"), "\(lines[error + 1])")
        #expect(lines.contains("<6>cxd stopped"))
    }

    @Test func aStreamThatIsNotTheJournalKeepsTheTimestampedLines() async throws {
        // JOURNAL_STREAM inherited from a unit, but stderr redirected elsewhere: not the journal.
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.workAroundTheClock()  // the real clock: any day, any hour
        let daemon = try CXDProcess.start(["run"], in: project.folder.path, environment: ["JOURNAL_STREAM": "1:1"])
        defer { daemon.signal(SIGKILL) }
        let running = await CXDProcess.waitFor(timeout: 120) { daemon.stderr.contains("cxd running on") }
        #expect(running != nil, "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        let result = await daemon.wait(timeout: 30)
        #expect(result.status == 0)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.prefixMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info cxd: /#) != nil, "\(first)")
    }

    @Test func aConfigurationErrorAtStartReachesTheJournalAsAnError() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.workAroundTheClock()  // the real clock: any day, any hour
        try breakInitiative(project)
        let daemon = try CXDProcess.start(["run"], in: project.folder.path, journal: true)
        let result = await daemon.wait(timeout: 30)
        #expect(result.status == 65, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("<3>") }, "\(lines)")
    }
}
