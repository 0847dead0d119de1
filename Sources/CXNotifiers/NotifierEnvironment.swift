import CXConfig
import CXCore
import Foundation
import Logging

/// What notifiers share: the environment to read secrets from, a logger and the clock. The
/// webhook notifier adds its shared HTTP client here.
public struct NotifierEnvironment: Sendable {
    /// Environment variables (`ProcessInfo`'s by default; tests pass their own).
    public var variables: [String: String]
    public var logger: Logger
    public var clock: @Sendable () -> Date

    public init(
        variables: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "cxd.notifier"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.variables = variables
        self.logger = logger
        self.clock = clock
    }

    /// A secret named by `<name>_file` (a file holding it; surrounding whitespace trimmed) or
    /// `<name>_env` (an environment variable) in the notifier's options. Nil when neither is
    /// given. The secret's value never appears in an error.
    public func secret(_ name: String, in config: NotifierConfig) throws(NotifierSetupError) -> String? {
        let file = config.options[name + "_file"]?.stringValue
        let variable = config.options[name + "_env"]?.stringValue
        switch (file, variable) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw NotifierSetupError(
                notifier: config.name, option: name + "_env", message: "give either \(name)_file or \(name)_env, not both")
        case (let path?, nil):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw NotifierSetupError(notifier: config.name, option: name + "_file", message: "\(name)_file: cannot read \(path)")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                throw NotifierSetupError(notifier: config.name, option: name + "_file", message: "\(name)_file: \(path) is empty")
            }
            return value
        case (nil, let variable?):
            guard let value = variables[variable], !value.isEmpty else {
                throw NotifierSetupError(
                    notifier: config.name, option: name + "_env", message: "\(name)_env: environment variable \(variable) is not set")
            }
            return value
        }
    }
}
