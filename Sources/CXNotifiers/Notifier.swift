import CXConfig
import Foundation

/// One notification on its way through one notifier: what a notifier needs of an outbox
/// message, and no more (notifiers know nothing of the store that queued it).
public struct Delivery: Sendable, Equatable {
    /// The idempotency key: the same on every retry (webhook-id, the email's Message-ID).
    public var key: String
    /// The notification document (JSON, `docs/notification.schema.json`).
    public var payload: Data

    public init(key: String, payload: Data) {
        self.key = key
        self.payload = payload
    }
}

/// A way to deliver notifications (`type:` in `notifiers:`). Email, webhook and exec notifiers
/// implement the same protocol; the dispatcher only sees this.
public protocol Notifier: Sendable {
    /// Delivers one notification. Must not throw: every failure is an outcome the dispatcher
    /// can act on (retry later, or give up).
    func deliver(_ message: Delivery) async -> DeliveryOutcome

    /// Delivers several messages at once (e.g. one SMTP session for a batch); one outcome per
    /// message, in order. After an `.endpointGone` the rest of the batch must not be sent: answer
    /// `.notAttempted` for it. The default delivers them one by one and does exactly that; it
    /// also stops (`.notAttempted`) once the delivering task is cancelled.
    func deliver(batch messages: [Delivery]) async -> [DeliveryOutcome]
}

extension Notifier {
    public func deliver(batch messages: [Delivery]) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        outcomes.reserveCapacity(messages.count)
        var stopped = false
        for message in messages {
            stopped = stopped || Task.isCancelled
            let outcome = stopped ? .notAttempted : await deliver(message)
            stopped = stopped || outcome.endsBatch
            outcomes.append(outcome)
        }
        return outcomes
    }
}

public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// A temporary failure: try again, after `after` if the receiver said so (Retry-After).
    case retry(reason: String, after: Duration?)
    /// A permanent failure: the message goes dead with this reason.
    case failed(reason: String)
    /// The endpoint is gone for good (HTTP 410): the notifier is disabled and the operators are
    /// told on another notifier; this message and the notifier's others wait in the outbox until
    /// `cxd notify enable`.
    case endpointGone(reason: String)
    /// Not sent at all (the batch stopped at an `.endpointGone`, or cxd is shutting down): the
    /// message stays as it was, and this attempt is not counted.
    case notAttempted

    /// True when the rest of the batch must not be sent.
    public var endsBatch: Bool {
        if case .endpointGone = self { return true }
        return false
    }
}

/// The notifier types cxd knows, keyed by their `type:` name, each with its option schema.
public struct NotifierRegistry: Sendable {
    public typealias Factory = @Sendable (NotifierConfig, NotifierEnvironment) throws(NotifierSetupError) -> any Notifier

    struct Entry: Sendable {
        var schema: NotifierOptionSchema
        var factory: Factory
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// The registry with every built-in type.
    public static var standard: NotifierRegistry {
        var registry = NotifierRegistry()
        registry.register("file", schema: FileNotifier.schema) { config, _ throws(NotifierSetupError) in
            try FileNotifier(config: config)
        }
        EmailNotifier.register(in: &registry)
        ExecNotifier.register(in: &registry)
        WebhookNotifier.register(in: &registry)
        return registry
    }

    /// Adds a type; a later registration under the same name replaces the earlier one.
    public mutating func register(_ type: String, schema: NotifierOptionSchema, factory: @escaping Factory) {
        entries[type] = Entry(schema: schema, factory: factory)
    }

    /// What the configuration loader checks `notifiers:` entries against.
    public var schemas: [String: NotifierOptionSchema] { entries.mapValues(\.schema) }

    /// Builds every configured notifier, keyed by name.
    public func make(
        _ configs: [NotifierConfig], environment: NotifierEnvironment = NotifierEnvironment()
    ) throws(NotifierSetupError) -> [String: any Notifier] {
        var notifiers: [String: any Notifier] = [:]
        for config in configs {
            guard let entry = entries[config.type] else {
                throw NotifierSetupError(notifier: config.name, option: "type", message: "unknown notifier type '\(config.type)'")
            }
            notifiers[config.name] = try entry.factory(config, environment)
        }
        return notifiers
    }

    /// Every problem building `config` finds (none when it builds); nothing is sent and no
    /// connection is made. Each problem names the option at fault when it can be told.
    public func problems(in config: NotifierConfig, environment: NotifierEnvironment = NotifierEnvironment()) -> [NotifierProblem] {
        guard let entry = entries[config.type] else {
            return [NotifierProblem(option: "type", message: "unknown notifier type '\(config.type)'")]
        }
        do {
            _ = try entry.factory(config, environment)
            return []
        } catch {
            return error.problems.map { problem in
                var problem = problem
                if problem.option == nil { problem.option = Self.option(namedBy: problem.message, in: config) }
                return problem
            }
        }
    }

    /// The check `cxd validate` and `cxd run` give the configuration loader.
    public func check(environment: NotifierEnvironment = NotifierEnvironment()) -> NotifierCheck {
        { config in problems(in: config, environment: environment) }
    }

    /// The option a message without one is about, when it starts with the option's name
    /// ("timeout must be…", "url_file: …") or quotes it ("option 'port': …"); a message about
    /// a secret ("secret must be…") names the `_file` or `_env` option that gave it.
    static func option(namedBy message: String, in config: NotifierConfig) -> String? {
        var candidates: [String] = []
        if let quoted = message.firstRange(of: "option '") {
            candidates.append(String(message[quoted.upperBound...].prefix { $0 != "'" }))
        }
        let word = String(message.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        candidates += [word, word + "_file", word + "_env"]
        return candidates.first { !$0.isEmpty && config.options[$0] != nil }
    }
}

/// Why a notifier cannot be built from its settings: every problem found, each naming the
/// option at fault where it can. Never quotes a secret.
public struct NotifierSetupError: Error, CustomStringConvertible {
    public var notifier: String
    /// At least one.
    public var problems: [NotifierProblem]

    /// One problem, its option told by its message only.
    public init(notifier: String, message: String) {
        self.init(notifier: notifier, problems: [NotifierProblem(option: nil, message: message)])
    }

    /// One problem of one option (`place`: where in another file, a template, it is).
    public init(notifier: String, option: String?, message: String, place: NotifierProblem.Place? = nil) {
        self.init(notifier: notifier, problems: [NotifierProblem(option: option, message: message, place: place)])
    }

    public init(notifier: String, problems: [NotifierProblem]) {
        self.notifier = notifier
        self.problems = problems
    }

    /// The problems on one line.
    public var message: String { problems.map(\.description).joined(separator: "; ") }

    /// One line per problem: `notifier 'NAME': problem`.
    public var description: String {
        problems.map { "notifier '\(notifier)': \($0)" }.joined(separator: "\n")
    }
}
