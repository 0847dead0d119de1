import CXConfig
import CXCore
import Foundation

/// The language-neutral plugin: runs a configured executable (no shell), writes the
/// notification JSON on its standard input, and reads the outcome from its exit status:
///
/// | exit status | outcome |
/// |---|---|
/// | 0 | delivered |
/// | 75 (`EX_TEMPFAIL`) | temporary failure: retried with backoff |
/// | anything else, or killed by a signal | permanent failure, with the end of its stderr |
/// | still running after `timeout` | its process group is killed (SIGTERM, then SIGKILL after 2 s): retried |
/// | cxd stops meanwhile (the delivering task is cancelled) | its process group is killed the same way: retried |
///
/// The plugin sees a minimal environment (`PluginEnvironment`), never cxd's whole one.
public struct ExecNotifier: Notifier {
    public static let schema = NotifierOptionSchema(
        required: ["path": .path],
        optional: ["args": .stringList, "timeout": .duration, "env": .stringMap, "pass_env": .stringList])

    /// The exit status that asks for a retry (`EX_TEMPFAIL` of sysexits.h).
    public static let retryStatus: Int32 = 75

    public let path: String
    public let arguments: [String]
    public let timeout: Duration
    /// The plugin's whole environment.
    public let environment: [String: String]

    /// `environment` is added to the minimal base taken from `daemonEnvironment` (cxd's own).
    public init(
        path: String, arguments: [String] = [], timeout: Duration = .seconds(30), environment: [String: String] = [:],
        daemonEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.path = path
        self.arguments = arguments
        self.timeout = timeout
        self.environment = PluginEnvironment.base(from: daemonEnvironment).merging(environment) { _, configured in configured }
    }

    public static func register(in registry: inout NotifierRegistry) {
        registry.register("exec", schema: schema) { config, environment throws(NotifierSetupError) in
            try ExecNotifier(config: config, environment: environment)
        }
    }

    /// Checks every option; throws every problem found, not only the first.
    init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        var problems: [NotifierProblem] = []
        func fail(_ option: String, _ message: String) {
            problems.append(NotifierProblem(option: option, message: message))
        }
        let path = config.options["path"]?.stringValue ?? ""
        if path.isEmpty {
            fail("path", "missing option 'path'")
        } else if !FileManager.default.isExecutableFile(atPath: path) {
            fail("path", "path: \(path) is not an executable file")
        }
        var timeout = Duration.seconds(30)
        if let text = config.options["timeout"]?.stringValue {
            if let duration = WorkDuration(parsing: text), let seconds = duration.elapsedSeconds, seconds > 0 {
                timeout = .seconds(seconds)
            } else {
                fail("timeout", "timeout must be seconds, minutes or hours (like 30s), found \(text)")
            }
        }
        let arguments = config.options["args"]?.listValue?.compactMap(\.stringValue) ?? []
        var plain: [String: String] = [:]
        if case .map(let entries)? = config.options["env"] {
            for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
                if let text = value.stringValue { plain[key] = text } else { fail("env", "env: the value of \(key) must be text") }
            }
        }
        let passed = config.options["pass_env"]?.listValue?.compactMap(\.stringValue) ?? []
        var pluginEnvironment: [String: String] = [:]
        do {
            pluginEnvironment = try PluginEnvironment.make(
                plain: plain, passing: passed, from: environment.variables, notifier: config.name)
        } catch {
            problems += error.problems
        }
        guard problems.isEmpty else { throw NotifierSetupError(notifier: config.name, problems: problems) }
        self.path = path
        self.arguments = arguments
        self.timeout = timeout
        self.environment = pluginEnvironment
    }

    public func deliver(_ message: Delivery) async -> DeliveryOutcome {
        let process = PluginProcess(path: path, arguments: arguments, environment: environment, timeout: timeout)
        let result = await process.run(input: Array(message.payload) + [0x0A])
        let stderr = Self.tail(of: result.stderr)
        let detail = stderr.isEmpty ? "" : ": \(stderr)"
        switch result.ending {
        case .exited(0):
            return .delivered
        case .exited(Self.retryStatus):
            return .retry(reason: "\(path) asked to retry (exit 75)" + detail, after: nil)
        case .exited(let status):
            return .failed(reason: "\(path) failed with exit status \(status)" + detail)
        case .signalled(let signal):
            return .failed(reason: "\(path) was killed by signal \(signal)" + detail)
        case .timedOut:
            return .retry(reason: "\(path) timed out after \(timeout) and was killed", after: nil)
        case .cancelled:
            return .retry(reason: "\(path) was stopped because cxd is shutting down", after: nil)
        case .notStarted(let reason):
            return .retry(reason: "cannot start \(path): \(reason)", after: nil)
        }
    }

    /// The last 500 characters of the plugin's stderr, on one line.
    static func tail(of bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " | ")
        return line.count > 500 ? "…" + String(line.suffix(500)) : line
    }
}
