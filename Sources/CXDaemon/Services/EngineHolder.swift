import CXEngine
import CXNotifiers
import Synchronization

/// The engine and notifiers in force; replaced as a whole when SIGHUP reloads the configuration.
public final class EngineHolder: Sendable {
    public struct Current: Sendable {
        public var engine: Engine
        public var notifiers: [String: any Notifier]

        public init(engine: Engine, notifiers: [String: any Notifier]) {
            self.engine = engine
            self.notifiers = notifiers
        }
    }

    private let state: Mutex<Current>

    public init(_ current: Current) {
        state = Mutex(current)
    }

    public var current: Current {
        state.withLock { $0 }
    }

    public func replace(with current: Current) {
        state.withLock { $0 = current }
    }
}
