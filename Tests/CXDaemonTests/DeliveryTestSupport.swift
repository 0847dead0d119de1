import Clocks
import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Logging

/// The two clocks of a dispatcher under test, moved together by hand: the clock its waits
/// sleep on, and the wall clock it reads the time from.
final class TestTime: Sendable {
    let clock = TestClock<Duration>()
    let start: Date

    init(start: Date) {
        self.start = start
    }

    var now: Date {
        start.addingTimeInterval(TestClock<Duration>.Instant().duration(to: clock.now).timeInterval)
    }

    func advance(by duration: Duration) async {
        await clock.advance(by: duration)
    }
}

/// A project for delivery tests: the example configuration with the notifiers, delivery
/// settings and operators given, messages queued directly, and exec plugins that record what
/// they receive (the "receiver") and can be held at a gate.
struct DeliveryProject {
    let project: TestProject
    /// Every payload an exec plugin received, one JSON line each.
    var receivedPath: String { project.folder.file("received.jsonl") }
    /// A plugin at the gate waits while this file is missing.
    var gatePath: String { project.folder.file("gate-open") }
    /// One line per send a gated plugin started.
    var startedPath: String { project.folder.file("started") }

    init(notifiers: String, delivery: String = "", operators: String = "") throws {
        project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") { yaml in
            yaml.replacingOccurrences(of: "routes:\n  default: [log]", with: """
                \(notifiers)
                routes:
                  default: [log]
                \(delivery)
                \(operators)
                """)
        }
    }

    /// Writes an executable plugin script under config/plugins and returns its path.
    func plugin(_ name: String, _ body: String) throws -> String {
        try project.folder.write("config/plugins/\(name)", "#!/bin/sh\n" + body)
        let path = project.folder.file("config/plugins/\(name)")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Shell lines that note a send started, then wait (at most two minutes) for the gate.
    var waitAtGate: String {
        """
        echo started >> "\(startedPath)"
        i=0
        while [ ! -e "\(gatePath)" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
        """
    }

    /// A plugin that records its payload as received, then exits 0; with `gated`, it first
    /// waits at the gate.
    func receivingPlugin(gated: Bool) throws -> String {
        try plugin(gated ? "gated.sh" : "receive.sh", """
            payload=$(cat)
            \(gated ? waitAtGate : "")
            printf '%s\\n' "$payload" >> "\(receivedPath)"
            exit 0
            """)
    }

    func openGate() {
        _ = FileManager.default.createFile(atPath: gatePath, contents: nil)
    }

    /// How many sends a gated plugin started.
    var started: Int { lines(startedPath).count }

    /// The ids (keys) of the payloads the plugins received, in order.
    func received() -> [String] {
        lines(receivedPath).compactMap { line in
            try? NotificationPayload.decoder.decode(NotificationPayload.self, from: Data(line.utf8)).id
        }
    }

    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func engine(busyTimeout: TimeInterval = Store.defaultBusyTimeout) throws -> Engine {
        let configuration = try project.configuration()
        return Engine(configuration: configuration, store: try Store(path: configuration.databasePath, busyTimeout: busyTimeout))
    }

    /// The dispatcher with the configured notifiers, on `time` (wall clock and sleeps).
    func dispatcher(for engine: Engine, time: TestTime, wake: WakeSignal = WakeSignal()) throws -> Dispatcher {
        let notifiers = try NotifierRegistry.standard.make(engine.configuration.notifiers)
        return Dispatcher(
            holder: EngineHolder(EngineHolder.Current(engine: engine, notifiers: notifiers)), wake: wake,
            clock: time.clock, now: { time.now }, random: { 0.5 },
            logger: Logger(label: "test", factory: { _ in SwallowingLogHandler() }))
    }

    /// Queues messages with these keys for `notifier`, due at `now`.
    @discardableResult
    func enqueue(_ keys: [String], notifier: String, at now: Date, in engine: Engine) async throws -> Int {
        let messages = try keys.map { key in
            let payload = NotificationPayload(
                id: key, kind: "step.overdue", createdAt: now,
                recipient: .init(id: "mai", name: "Đỗ Thị Mai", email: "mai@toc-xinh.example", locale: "vi"),
                subject: "Quá hạn", text: "Bước đã quá hạn.\n", reminder: nil, items: nil)
            return OutboxMessage(
                key: key, initiative: nil, kind: payload.kind, notifier: notifier, recipient: "mai",
                payload: try NotificationPayload.encoder.encode(payload), createdAt: now)
        }
        return try await engine.store.write { tx in try tx.enqueue(messages) }
    }
}

/// A dispatcher running its real loop on a clock of its own, and how to stop it.
struct RunningDispatcher {
    let engine: Engine
    let time: TestTime
    let wake: WakeSignal
    let task: Task<Void, any Error>

    func stop() async throws {
        await wake.wake(.shutdown)
        try await task.value
    }
}

extension DeliveryProject {
    /// Queues `keys` for `notifier` at `start`, then runs a dispatcher on a test clock starting
    /// there.
    func run(
        _ keys: [String], notifier: String, at start: Date, busyTimeout: TimeInterval = Store.defaultBusyTimeout
    ) async throws -> RunningDispatcher {
        let engine = try engine(busyTimeout: busyTimeout)
        let time = TestTime(start: start)
        let wake = WakeSignal(clock: time.clock)
        let dispatcher = try dispatcher(for: engine, time: time, wake: wake)
        try await enqueue(keys, notifier: notifier, at: start, in: engine)
        return RunningDispatcher(engine: engine, time: time, wake: wake, task: Task { try await dispatcher.run() })
    }
}

/// Polls `condition` (every 10 ms, real time) until it holds; false after `timeout` seconds.
/// For effects that happen on other threads, never to wait for a deadline.
func eventually(timeout: TimeInterval = 20, _ condition: () throws -> Bool) async rethrows -> Bool {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try condition()
}

/// Advances `time` by `step` (letting the dispatcher catch up after each step) until
/// `condition` holds, at most `steps` times; returns whether it held.
func advance(
    _ time: TestTime, by step: Duration, steps: Int, until condition: () throws -> Bool
) async rethrows -> Bool {
    for _ in 0..<steps {
        if try condition() { return true }
        await time.advance(by: step)
        // The lanes react on other threads (processes, sockets): give them a moment.
        for _ in 0..<20 where try !condition() { try? await Task.sleep(for: .milliseconds(10)) }
    }
    return try condition()
}
