import CXTestSupport
import Foundation
import Testing

/// The daemon as users run it: a real process on the real clock, signals, a second instance.
/// Nothing here waits for a deadline; the waits are bounded polls for an effect to appear.
@Suite("The cxd daemon process", .serialized)
struct DaemonProcessTests {
    /// A project whose only initiative started yesterday (whatever today is), so that the
    /// daemon has an open step to work with on the real clock.
    func project() throws -> TestProject {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.workAroundTheClock()  // the real clock: any day, any hour
        let yesterday = Date().addingTimeInterval(-86_400).formatted(.iso8601.year().month().day())
        let file = project.folder.file("config/initiatives/pos-checkout.yaml")
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "start: 2026-11-23", with: "start: \(yesterday)")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return project
    }

    func notifications(_ project: TestProject) -> String {
        (try? String(contentsOfFile: project.notificationsPath, encoding: .utf8)) ?? ""
    }

    @Test func aCommandWakesTheRunningDaemon() async throws {
        let project = try project()
        let dir = project.folder.path
        // Debug logs: when this fails, they say what the scheduler and the lanes did.
        let daemon = try CXDProcess.start(["run", "--log-level", "debug"], in: dir)
        defer { daemon.signal(SIGTERM) }
        let started = await CXDProcess.waitFor(timeout: 120) { notifications(project).contains("\"kind\":\"step.started\"") }
        #expect(started != nil, "the daemon did not open the first step: \(daemon.stderr)")

        let complete = try await CXDProcess.run(["complete", "pos-checkout", "scope", "--note", "agreed"], in: dir)
        #expect(complete.status == 0, "\(complete.stderr)")
        // The CLI queued the notification for the next owner; the daemon, woken by SIGUSR1,
        // delivers it. Without the wake-up it would sleep until the next reminder (days away;
        // an hour at most), so any delivery within the bound shows the wake-up. How fast it
        // is, is no business of a test: a full test run can hold a process back for seconds.
        let delivered = await CXDProcess.waitFor(timeout: 120) { notifications(project).contains("pos-checkout/run-2/assigned-1@log") }
        if delivered == nil {
            let outbox = try await CXDProcess.run(["outbox"], in: dir)
            Issue.record("not delivered within 120 s.\noutbox:\n\(outbox.stdout)\(outbox.stderr)\ndaemon:\n\(daemon.stderr)")
        }
    }

    @Test func aSecondDaemonOnTheSameDatabaseRefusesToStart() async throws {
        let project = try project()
        let dir = project.folder.path
        let daemon = try CXDProcess.start(["run"], in: dir)
        defer { daemon.signal(SIGTERM) }
        _ = await CXDProcess.waitFor(timeout: 120) { FileManager.default.fileExists(atPath: project.databasePath + ".pid") && notifications(project).contains("step.started") }
        let second = try await CXDProcess.run(["run"], in: dir, timeout: 30)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another cxd daemon (process \(daemon.process.processIdentifier)) is already running on this database"))
        let once = try await CXDProcess.run(["run", "--once"], in: dir, timeout: 30)
        #expect(once.status == 1, "--once must not deliver behind a running daemon's back")
    }

    @Test func aDatabaseRemovedUnderTheDaemonStopsItWithAnError() async throws {
        let project = try project()
        let dir = project.folder.path
        let daemon = try CXDProcess.start(["run"], in: dir)
        defer { daemon.signal(SIGKILL) }
        _ = await CXDProcess.waitFor(timeout: 120) { notifications(project).contains("step.started") }
        try FileManager.default.removeItem(atPath: project.databasePath)
        // A command wakes the daemon; it must notice, say so and exit non-zero instead of
        // carrying on (or letting the command create an empty database).
        let complete = try await CXDProcess.run(["complete", "pos-checkout", "scope"], in: dir)
        #expect(complete.status != 0)
        #expect(complete.stderr.contains("no database here yet"), "\(complete.stderr)")
        daemon.signal(SIGUSR1)
        let result = await daemon.wait(timeout: 30)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("removed while cxd had it open"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.databasePath))
    }

    @Test func aCommandWaitsForAnotherProcessesLongWriteInsteadOfFailing() async throws {
        let project = try project()
        let dir = project.folder.path
        _ = try await CXDProcess.run(["run", "--once"], in: dir)
        // Another process holds the write lock for 12 s (longer than the old 10 s busy timeout),
        // as a first evaluation of thousands of initiatives once did.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE installation SET createdAt = createdAt")
            print("locked", flush=True)
            time.sleep(12)
            db.execute("COMMIT")
            """, project.databasePath]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        _ = output.fileHandleForReading.availableData  // "locked": the lock is held from here
        let complete = try await CXDProcess.run(["complete", "pos-checkout", "scope"], in: dir, timeout: 90)
        #expect(complete.status == 0, "\(complete.stderr)")
        #expect(!complete.stderr.contains("locked"))
    }

    @Test func sighupReloadsAndSigtermStopsCleanly() async throws {
        let project = try project()
        let dir = project.folder.path
        let daemon = try CXDProcess.start(["run"], in: dir)
        _ = await CXDProcess.waitFor(timeout: 120) { notifications(project).contains("step.started") }

        // A broken file is refused and the running configuration kept.
        let file = project.folder.file("config/initiatives/pos-checkout.yaml")
        let good = try String(contentsOfFile: file, encoding: .utf8)
        try (good + "\nbogus: [\n").write(toFile: file, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        let refused = await CXDProcess.waitFor(timeout: 120) { daemon.stderr.contains("reload refused") }
        #expect(refused != nil, "\(daemon.stderr)")
        // Said once: one "refused" line, the diagnostic once under it.
        try await Task.sleep(for: .milliseconds(500))
        #expect(daemon.stderr.components(separatedBy: "reload refused").count == 2, "\(daemon.stderr)")
        #expect(daemon.stderr.components(separatedBy: "pos-checkout.yaml:").count == 2, "\(daemon.stderr)")

        // A valid change: the sponsor changes, the open step is reassigned and the new owner told.
        try good.replacingOccurrences(of: "sponsor: hung", with: "sponsor: lan").write(toFile: file, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        let reassigned = await CXDProcess.waitFor(timeout: 120) { notifications(project).contains("\"kind\":\"step.reassigned\"") }
        #expect(reassigned != nil, "\(daemon.stderr)")

        daemon.signal(SIGTERM)
        let result = await daemon.wait(timeout: 10)
        #expect(result.status == 0)
        #expect(result.stderr.contains("cxd stopped"))
        #expect(!daemon.process.isRunning)
    }
}
