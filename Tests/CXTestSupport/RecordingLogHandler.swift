import Logging
import Synchronization

/// Keeps every log message at `logLevel` or above, for tests that check what is logged (and
/// how often).
public struct RecordingLogHandler: LogHandler {
    /// The messages logged through every handler sharing it, in order.
    public final class Record: Sendable {
        private let entries = Mutex<[(level: Logger.Level, message: String)]>([])

        public init() {}

        public var lines: [(level: Logger.Level, message: String)] { entries.withLock { $0 } }

        func append(_ level: Logger.Level, _ message: String) { entries.withLock { $0.append((level, message)) } }
    }

    public let record: Record
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    public init(_ record: Record, level: Logger.Level = .info) {
        self.record = record
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        record.append(event.level, "\(event.message)")
    }

    /// A logger that records into `record`.
    public static func logger(_ record: Record, level: Logger.Level = .info) -> Logger {
        Logger(label: "test", factory: { _ in RecordingLogHandler(record, level: level) })
    }
}
