import Foundation
import Logging

/// Log lines for the systemd journal: no timestamp (journald records one per line, and
/// `journalctl` prints it), the level as the line's `<N>` priority, so that `journalctl -p
/// warning` filters and colours by it. A line reads `<4>delivery failed notifier=mail …`; loggers
/// other than the daemon's own (`cxd`) name themselves first (`<6>cxd.notifier: …`).
struct JournalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var metadata = self.metadata
        if let extra = event.metadata { metadata.merge(extra) { _, new in new } }
        if let error = event.error { metadata["error"] = "\(error)" }
        var text = label == "cxd" ? "" : "\(label): "
        text += "\(event.message)"
        if !metadata.isEmpty {
            text += " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        // One write per event: the lines of a message stay together.
        FileHandle.standardError.write(Data(JournalStream.prefixed(text, priority: event.level.syslogPriority).utf8))
    }
}

extension Logger.Level {
    /// The syslog priority journald files a line under (sd-daemon(3): `SD_ERR` is `<3>`…).
    var syslogPriority: Int {
        switch self {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}
