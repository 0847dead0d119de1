import CXConfig
import CXStore
import Foundation

/// A way to deliver notifications (`type:` in `notifiers:`). Email, webhook and exec notifiers
/// implement the same protocol; the dispatcher only sees this.
public protocol Notifier: Sendable {
    /// Delivers one outbox message. Must not throw: every failure is an outcome the dispatcher
    /// can act on (retry later, or give up).
    func deliver(_ message: OutboxMessage) async -> DeliveryOutcome

    /// Delivers several messages at once (e.g. one SMTP session for a batch); one outcome per
    /// message, in order. After an `.endpointGone` the rest of the batch must not be sent: answer
    /// `.notAttempted` for it. The default delivers them one by one and does exactly that; it
    /// also stops (`.notAttempted`) once the delivering task is cancelled.
    func deliver(batch messages: [OutboxMessage]) async -> [DeliveryOutcome]
}

extension Notifier {
    public func deliver(batch messages: [OutboxMessage]) async -> [DeliveryOutcome] {
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
                throw NotifierSetupError(notifier: config.name, message: "unknown notifier type '\(config.type)'")
            }
            notifiers[config.name] = try entry.factory(config, environment)
        }
        return notifiers
    }
}

public struct NotifierSetupError: Error, CustomStringConvertible {
    public var notifier: String
    public var message: String

    public init(notifier: String, message: String) {
        self.notifier = notifier
        self.message = message
    }

    public var description: String { "notifier '\(notifier)': \(message)" }
}
