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

    @Test func setupRefusesAMissingExecutable() throws {
        var registry = NotifierRegistry.standard
        let config = NotifierConfig(name: "plugin", type: "exec", options: ["path": .string(folder.file("missing"))])
        #expect(throws: NotifierSetupError.self) { _ = try registry.make([config]) }
        registry = NotifierRegistry()
        #expect(registry.schemas.isEmpty)
    }
}
