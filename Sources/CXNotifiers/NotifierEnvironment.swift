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
        do {
            return try SecretSource.read(
                name, path: config.options[name + "_file"]?.stringValue, variable: config.options[name + "_env"]?.stringValue,
                environment: variables)
        } catch {
            throw NotifierSetupError(notifier: config.name, option: error.option, message: error.message)
        }
    }
}
