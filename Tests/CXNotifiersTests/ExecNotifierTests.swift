#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("exec notifier: the language-neutral plugin")
struct ExecNotifierTests {
    let folder = TemporaryDirectory("cxd-exec")

    init() {
        // What the cxd executable does at start: a plugin that exits without reading its input
        // makes the write to its stdin fail with EPIPE instead of killing the process.
        ExecTestProcesses.ignoreSIGPIPE
    }

    func message(subject: String = "Quá hạn: Xác định mục tiêu và phạm vi") throws -> OutboxMessage {
        let payload = NotificationPayload(
            id: "pos/run-1/overdue-1@plugin", kind: "step.overdue", createdAt: instant("2026-12-01T02:00:00Z"),
            recipient: .init(id: "hung", name: "Trần Văn Hùng", email: "hung@example.vn", locale: "vi"),
            subject: subject, text: "…", reminder: nil, items: nil)
        return OutboxMessage(
            key: payload.id, initiative: "pos", kind: payload.kind, notifier: "plugin", recipient: "hung",
            payload: try NotificationPayload.encoder.encode(payload), createdAt: payload.createdAt)
    }

    func script(_ name: String, _ body: String) throws -> String {
        try folder.write(name, "#!/bin/sh\n" + body + "\n")
        let path = folder.file(name)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test func theShippedExamplePluginReceivesTheNotificationOnStdin() async throws {
        let plugin = repositoryRoot().appendingPathComponent("config/plugins/notify-example.py").path
        let log = folder.file("plugin.log")
        let notifier = ExecNotifier(path: plugin, environment: ["CXD_EXAMPLE_LOG": log])
        #expect(await notifier.deliver(try message()) == .delivered)
        let written = try String(contentsOfFile: log, encoding: .utf8)
        #expect(written == "2026-12-01T02:00:00Z step.overdue to Trần Văn Hùng <hung@example.vn>: Quá hạn: Xác định mục tiêu và phạm vi\n")
    }

    @Test func exit75IsRetriedAndTheNextAttemptSucceeds() async throws {
        let marker = folder.file("tried")
        let path = try script("flaky.sh", """
            cat > /dev/null
            if [ -e "\(marker)" ]; then exit 0; fi
            touch "\(marker)"; echo "upstream busy" >&2; exit 75
            """)
        let notifier = ExecNotifier(path: path)
        #expect(await notifier.deliver(try message()) == .retry(reason: "\(path) asked to retry (exit 75): upstream busy", after: nil))
        #expect(await notifier.deliver(try message()) == .delivered)
    }

    @Test func anyOtherStatusIsPermanentWithStderrRecorded() async throws {
        let path = try script("broken.sh", "cat > /dev/null; echo 'no such channel' >&2; echo 'giving up' >&2; exit 3")
        let outcome = await ExecNotifier(path: path).deliver(try message())
        #expect(outcome == .failed(reason: "\(path) failed with exit status 3: no such channel | giving up"))
    }

    @Test func aPluginThatRunsTooLongIsKilledAndRetried() async throws {
        let path = try script("stuck.sh", "exec sleep 30")
        let outcome = await ExecNotifier(path: path, timeout: .milliseconds(300)).deliver(try message())
        #expect(outcome == .retry(reason: "\(path) timed out after 0.3 seconds and was killed", after: nil))
    }

    @Test func aPluginThatIgnoresItsInputDoesNotHurtCXD() async throws {
        let path = try script("deaf.sh", "exit 0")
        var big = try message(subject: String(repeating: "x", count: 1_000_000))
        big.key = "big"
        #expect(await ExecNotifier(path: path).deliver(big) == .delivered)
    }

    @Test func aPluginThatNeverReadsABigPayloadStillTimesOut() async throws {
        let path = try script("busy.sh", "exec sleep 30")
        var big = try message(subject: String(repeating: "x", count: 500_000))
        big.key = "big"
        let outcome = await ExecNotifier(path: path, timeout: .milliseconds(300)).deliver(big)
        #expect(outcome == .retry(reason: "\(path) timed out after 0.3 seconds and was killed", after: nil))
    }

    @Test func aBackgroundChildLeftBehindDoesNotHoldDeliveryUp() async throws {
        // The child keeps stderr open after the plugin exits 0; it is ended with the plugin's group.
        let path = try script("orphan.sh", "cat > /dev/null; sleep 30 & echo started >&2; exit 0")
        #expect(await ExecNotifier(path: path).deliver(try message()) == .delivered)
    }

    @Test("a plugin sees PATH, HOME, LANG, LC_ALL, TZ and what its config names, never cxd's other secrets")
    func pluginEnvironmentIsMinimal() async throws {
        // cxd's environment: the real one, plus the password another notifier reads with
        // password_env and a token this plugin is meant to get.
        var daemon = ProcessInfo.processInfo.environment
        daemon["CXD_SMTP_PASSWORD"] = "hunter2-smtp"
        daemon["CXD_TEST_PLUGIN_TOKEN"] = "plugin-token-value"
        let dump = folder.file("environ")
        // The environment the kernel handed to the plugin, one variable a line.
        let path = try script("dump-env.sh", "cat > /dev/null; tr '\\0' '\\n' < /proc/$$/environ > \"\(dump)\"")
        let config = NotifierConfig(name: "plugin", type: "exec", options: [
            "path": .string(path),
            "env": .map(["CXD_CHANNEL": .string("cx-team")]),
            "pass_env": .list([.string("CXD_TEST_PLUGIN_TOKEN")]),
        ])
        let notifier = try #require(
            try NotifierRegistry.standard.make([config], environment: NotifierEnvironment(variables: daemon))["plugin"])

        #expect(await notifier.deliver(try message()) == .delivered)

        let lines = try folder.read("environ").split(separator: "\n").map(String.init)
        let seen = Dictionary(lines.map { line in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { first, _ in first })
        #expect(seen["CXD_SMTP_PASSWORD"] == nil)
        #expect(!lines.contains { $0.contains("hunter2-smtp") })
        #expect(seen["CXD_CHANNEL"] == "cx-team")
        #expect(seen["CXD_TEST_PLUGIN_TOKEN"] == "plugin-token-value")
        #expect(seen["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        let allowed: Set<String> = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "CXD_CHANNEL", "CXD_TEST_PLUGIN_TOKEN"]
        #expect(Set(seen.keys).subtracting(allowed).isEmpty, "unexpected: \(Set(seen.keys).subtracting(allowed).sorted())")
    }

    @Test("pass_env naming a variable cxd does not have is a setup error naming the notifier and the option")
    func passEnvMustBeSet() throws {
        let path = try script("ok.sh", "cat > /dev/null")
        let config = NotifierConfig(name: "plugin", type: "exec", options: [
            "path": .string(path), "pass_env": .list([.string("CXD_SURELY_UNSET_VARIABLE")]),
        ])
        let error = #expect(throws: NotifierSetupError.self) {
            _ = try NotifierRegistry.standard.make([config], environment: NotifierEnvironment(variables: [:]))
        }
        #expect(error?.description == "notifier 'plugin': pass_env: environment variable CXD_SURELY_UNSET_VARIABLE is not set in cxd's environment")
        let twice = NotifierConfig(name: "plugin", type: "exec", options: [
            "path": .string(path), "env": .map(["A": .string("1")]), "pass_env": .list([.string("A")]),
        ])
        let both = #expect(throws: NotifierSetupError.self) {
            _ = try NotifierRegistry.standard.make([twice], environment: NotifierEnvironment(variables: ["A": "2"]))
        }
        #expect(both?.message == "pass_env: A is also set in env; give it in one place")
    }

    @Test("cancelling the delivery (cxd stopping) kills the plugin's whole group at once and leaves the message to retry")
    func cancellationKillsTheGroup() async throws {
        let child = folder.file("child.pid"), started = folder.file("plugin.pid")
        let path = try script("waits.sh", """
            cat > /dev/null
            sleep 60 & echo $! > "\(child)"
            echo $$ > "\(started)"
            wait
            """)
        let notifier = ExecNotifier(path: path, timeout: .seconds(60))
        let delivery = Task { await notifier.deliver(try message()) }
        let plugin = try await ExecTestProcesses.waitForPID(in: started)
        let orphan = try await ExecTestProcesses.waitForPID(in: child)

        let clock = ContinuousClock()
        let cancelled = clock.now
        delivery.cancel()
        let outcome = try await delivery.value
        let took = clock.now - cancelled

        #expect(outcome == .retry(reason: "\(path) was stopped because cxd is shutting down", after: nil))
        // The plugin would run 60 s; the bound only has to tell "killed" from "waited for it",
        // with room for a loaded 2-core machine running the whole suite in parallel.
        #expect(took < .seconds(20), "took \(took)")
        #expect(!ExecTestProcesses.isAlive(plugin))
        #expect(await ExecTestProcesses.isGone(orphan))
    }

    @Test("at the timeout the whole group goes, even a child that ignores SIGTERM")
    func timeoutKillsTheGroup() async throws {
        let child = folder.file("child.pid")
        let path = try script("stubborn.sh", """
            sh -c 'trap "" TERM; exec sleep 60' </dev/null & echo $! > "\(child)"
            exec sleep 60
            """)
        let outcome = await ExecNotifier(path: path, timeout: .milliseconds(300)).deliver(try message())
        #expect(outcome == .retry(reason: "\(path) timed out after 0.3 seconds and was killed", after: nil))
        let orphan = try await ExecTestProcesses.waitForPID(in: child)
        #expect(await ExecTestProcesses.isGone(orphan))
    }

    @Test("a delivery leaves the process's SIGPIPE disposition as it found it")
    func sigpipeDispositionUntouched() async throws {
        let path = try script("deaf-too.sh", "exit 0")
        var big = try message(subject: String(repeating: "y", count: 1_000_000))
        big.key = "big-2"
        // SwiftNIO ignores SIGPIPE process-wide when it opens its first socket, which a webhook
        // test running alongside may do at any moment: have that happen first.
        let port = try ClosedPort.make()
        let webhook = try WebhookFixtures.notifier(["url": .string("http://127.0.0.1:\(port)/"), "sign": .bool(false)])
        _ = await webhook.deliver(try message())
        let before = ExecTestProcesses.installCountingSIGPIPEHandler()
        defer { ExecTestProcesses.restoreSIGPIPE(before) }

        #expect(await ExecNotifier(path: path).deliver(big) == .delivered)

        #expect(ExecTestProcesses.sigpipeHandlerIsCounting)
    }

    @Test func setupRefusesAMissingExecutable() throws {
        var registry = NotifierRegistry.standard
        let config = NotifierConfig(name: "plugin", type: "exec", options: ["path": .string(folder.file("missing"))])
        #expect(throws: NotifierSetupError.self) { _ = try registry.make([config]) }
        registry = NotifierRegistry()
        #expect(registry.schemas.isEmpty)
    }
}

/// Process helpers for the exec tests (Linux `/proc`).
enum ExecTestProcesses {
    /// Set once, as the cxd executable does at start.
    static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// The pid a plugin wrote to `file`, once it is there (the plugin has started).
    static func waitForPID(in file: String) async throws -> pid_t {
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), text.hasSuffix("\n"),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CancellationError()
    }

    /// True once `pid` has stopped running, checked for a few seconds (SIGKILL takes effect
    /// shortly after kill(2) returns, not at once).
    static func isGone(_ pid: pid_t) async -> Bool {
        for _ in 0..<250 {
            if !isAlive(pid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// True while `pid` runs (a zombie waiting to be reaped counts as gone).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// Replaces SIGPIPE's disposition by a handler of the test's own; returns the previous one.
    static func installCountingSIGPIPEHandler() -> sigaction {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = countingHandler
        #else
        action.__sigaction_u.__sa_handler = countingHandler
        #endif
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        sigaction(SIGPIPE, &action, &previous)
        return previous
    }

    static func restoreSIGPIPE(_ previous: sigaction) {
        var previous = previous
        sigaction(SIGPIPE, &previous, nil)
    }

    /// Whether SIGPIPE still goes to the handler `installCountingSIGPIPEHandler` set.
    static var sigpipeHandlerIsCounting: Bool {
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        #if canImport(Glibc)
        let handler = current.__sigaction_handler.sa_handler
        #else
        let handler = current.__sigaction_u.__sa_handler
        #endif
        guard let handler else { return false }
        return unsafeBitCast(handler, to: UnsafeRawPointer.self) == unsafeBitCast(countingHandler, to: UnsafeRawPointer.self)
    }

    private static let countingHandler: @convention(c) (Int32) -> Void = { _ in }
}
