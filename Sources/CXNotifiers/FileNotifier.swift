#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
import CXStore
import Foundation

/// The embedded default notifier: appends each notification as one line of JSON to a file
/// (JSON Lines). Needs no server; the payload fields are documented in the README.
public struct FileNotifier: Notifier {
    public static let schema = NotifierOptionSchema(required: ["path": .path])

    public let path: String

    public init(path: String) {
        self.path = path
    }

    init(config: NotifierConfig) throws(NotifierSetupError) {
        guard let path = config.options["path"]?.stringValue else {
            throw NotifierSetupError(notifier: config.name, message: "missing option 'path'")
        }
        self.init(path: path)
    }

    public func deliver(_ message: OutboxMessage) async -> DeliveryOutcome {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return .retry(reason: "cannot create \(folder): \(error.localizedDescription)", after: nil)
        }
        // Opened per message so that log rotation needs no signal; one write(2) per line with
        // O_APPEND keeps lines whole even with several writers.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return .retry(reason: "cannot open \(path): \(String(cString: strerror(errno)))", after: nil) }
        defer { close(fd) }
        var line = message.payload
        line.append(0x0A)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            return .retry(reason: "short write to \(path): \(String(cString: strerror(errno)))", after: nil)
        }
        guard fsync(fd) == 0 else { return .retry(reason: "fsync \(path): \(String(cString: strerror(errno)))", after: nil) }
        return .delivered
    }
}
