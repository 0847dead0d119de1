#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
import CXStore
import Foundation
import Synchronization

/// The language-neutral plugin: runs a configured executable (no shell), writes the
/// notification JSON on its standard input, and reads the outcome from its exit status:
///
/// | exit status | outcome |
/// |---|---|
/// | 0 | delivered |
/// | 75 (`EX_TEMPFAIL`) | temporary failure: retried with backoff |
/// | anything else, or killed by a signal | permanent failure, with the end of its stderr |
/// | still running after `timeout` | killed (SIGTERM, then SIGKILL after 2 s): retried |
public struct ExecNotifier: Notifier {
    public static let schema = NotifierOptionSchema(
        required: ["path": .path],
        optional: ["args": .stringList, "timeout": .duration, "env": .stringMap])

    public let path: String
    public let arguments: [String]
    public let timeout: Duration
    public let environment: [String: String]

    public init(path: String, arguments: [String] = [], timeout: Duration = .seconds(30), environment: [String: String] = [:]) {
        self.path = path
        self.arguments = arguments
        self.timeout = timeout
        self.environment = environment
    }

    public static func register(in registry: inout NotifierRegistry) {
        registry.register("exec", schema: schema) { config, _ throws(NotifierSetupError) in
            try ExecNotifier(config: config)
        }
    }

    init(config: NotifierConfig) throws(NotifierSetupError) {
        guard let path = config.options["path"]?.stringValue else {
            throw NotifierSetupError(notifier: config.name, message: "missing option 'path'")
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw NotifierSetupError(notifier: config.name, message: "\(path) is not an executable file")
        }
        var timeout = Duration.seconds(30)
        if let text = config.options["timeout"]?.stringValue {
            guard let duration = WorkDuration(parsing: text), let seconds = duration.elapsedSeconds else {
                throw NotifierSetupError(notifier: config.name, message: "timeout must be seconds, minutes or hours (like 30s), found \(text)")
            }
            timeout = .seconds(seconds)
        }
        let arguments = config.options["args"]?.listValue?.compactMap(\.stringValue) ?? []
        var environment: [String: String] = [:]
        if case .map(let entries)? = config.options["env"] {
            for (key, value) in entries { environment[key] = value.stringValue }
        }
        self.init(path: path, arguments: arguments, timeout: timeout, environment: environment)
    }

    public func deliver(_ message: OutboxMessage) async -> DeliveryOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        let exited = ExitSignal()
        process.terminationHandler = { _ in exited.fire() }
        do {
            try process.run()
        } catch {
            return .retry(reason: "cannot start \(path): \(error.localizedDescription)", after: nil)
        }
        // The plugin runs in a process group of its own (Foundation's Process sets it up), so
        // that killing it also kills whatever it started (a `curl` in a shell script, say).
        let group = process.processIdentifier
        // Stderr is read, and stdin written, on threads of their own: a chatty plugin never
        // blocks on a full pipe, and one that does not read its input never blocks cxd, so the
        // timeout always runs.
        let stderr = PipeReader(errors.fileHandleForReading)
        let payload = message.payload + Data([0x0A])
        // A plugin that exits without reading its input must not kill cxd with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()

        let finished = await exited.wait(timeout: timeout)
        if !finished {
            kill(-group, SIGTERM)
            if await !exited.wait(timeout: .seconds(2)) { kill(-group, SIGKILL) }
            _ = await exited.wait(timeout: .seconds(5))
            _ = await stderr.text(within: .seconds(2))
            return .retry(reason: "\(path) timed out after \(timeout) and was killed", after: nil)
        }
        // A background child left behind may hold stderr open: give it a moment, then end it.
        var text = await stderr.text(within: .seconds(2))
        if text == nil {
            kill(-group, SIGKILL)
            text = await stderr.text(within: .seconds(2))
        }
        let stderrTail = text ?? ""
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0):
            return .delivered
        case (.exit, 75):
            return .retry(reason: "\(path) asked to retry (exit 75)" + (stderrTail.isEmpty ? "" : ": \(stderrTail)"), after: nil)
        case (.exit, let status):
            return .failed(reason: "\(path) failed with exit status \(status)" + (stderrTail.isEmpty ? "" : ": \(stderrTail)"))
        case (_, let signal):
            return .failed(reason: "\(path) was killed by signal \(signal)" + (stderrTail.isEmpty ? "" : ": \(stderrTail)"))
        }
    }

    /// The last 500 characters of the plugin's stderr, on one line.
    static func tail(of data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " | ")
        return line.count > 500 ? "…" + String(line.suffix(500)) : line
    }
}

/// Reads a pipe to its end on a thread of its own; the text can be awaited with a time limit.
final class PipeReader: Sendable {
    private let done = ExitSignal()
    private let data = Mutex(Data())

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let bytes = handle.readDataToEndOfFile()
            data.withLock { $0 = bytes }
            done.fire()
        }
        thread.start()
    }

    /// The last 500 characters, on one line; nil when the pipe is still open after `limit`.
    func text(within limit: Duration) async -> String? {
        guard await done.wait(timeout: limit) else { return nil }
        return ExecNotifier.tail(of: data.withLock { $0 })
    }
}

/// Resumes waiters when the process exits; a wait gives up after its timeout.
final class ExitSignal: Sendable {
    private struct State {
        var done = false
        var waiters: [UUID: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Mutex(State())

    func fire() {
        let waiters = state.withLock { state in
            state.done = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// True when the process exited within `timeout`.
    func wait(timeout: Duration) async -> Bool {
        let id = UUID()
        return await withCheckedContinuation { continuation in
            let exited = state.withLock { state in
                if state.done { return true }
                state.waiters[id] = continuation
                return false
            }
            if exited {
                continuation.resume(returning: true)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    private func expire(_ id: UUID) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: false)
    }
}
