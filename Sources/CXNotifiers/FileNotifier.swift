#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
import Foundation
import Synchronization

/// The embedded default notifier: appends each notification as one line of JSON to a file
/// (JSON Lines). Needs no server; the payload fields are documented in the README.
///
/// A batch is written with one `fsync`; the file stays open between batches and is opened
/// again when it was rotated or removed. A line is never left half-written: a write that
/// fails part-way is cut off again, so the retry appends the whole line once.
public struct FileNotifier: Notifier {
    public static let schema = NotifierOptionSchema(required: ["path": .path])

    public let path: String
    private let file: JSONLinesFile

    public init(path: String) {
        self.path = path
        file = JSONLinesFile.shared(path)
    }

    /// A notifier whose system calls go through `calls` (tests: a writer that writes partially).
    init(path: String, calls: FileCalls) {
        self.path = path
        file = JSONLinesFile(path: path, calls: calls)
    }

    init(config: NotifierConfig) throws(NotifierSetupError) {
        guard let path = config.options["path"]?.stringValue else {
            throw NotifierSetupError(notifier: config.name, message: "missing option 'path'")
        }
        self.init(path: path)
    }

    public func deliver(_ message: Delivery) async -> DeliveryOutcome {
        await deliver(batch: [message])[0]
    }

    public func deliver(batch messages: [Delivery]) async -> [DeliveryOutcome] {
        await file.append(messages.map { $0.payload + [0x0A] })
    }
}

/// The system calls a `JSONLinesFile` writes through; tests substitute a writer that writes
/// partially or fails, and count the `fsync`s.
struct FileCalls: Sendable {
    var write: @Sendable (_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    var fsync: @Sendable (_ descriptor: Int32) -> Int32

    static let system = FileCalls(
        write: { descriptor, bytes in
            #if canImport(Glibc)
            Glibc.write(descriptor, bytes.baseAddress, bytes.count)
            #else
            Darwin.write(descriptor, bytes.baseAddress, bytes.count)
            #endif
        },
        fsync: { descriptor in
            #if canImport(Glibc)
            Glibc.fsync(descriptor)
            #else
            Darwin.fsync(descriptor)
            #endif
        })
}

/// One JSON Lines file, appended to on a serial queue of its own: batches (of every notifier
/// writing to this path, across configuration reloads) never interleave, and the blocking
/// `write`/`fsync` calls stay off the concurrency pool. The descriptor stays open; each batch
/// first checks that the path still names the open file (log rotation renames or removes it).
final class JSONLinesFile: @unchecked Sendable {
    // @unchecked: `descriptor` and `identity` are only touched on `queue`.
    private let path: String
    private let calls: FileCalls
    private let queue: DispatchQueue
    private var descriptor: Int32 = -1
    private var identity: (device: UInt64, inode: UInt64)?

    private static let files = Mutex<[String: JSONLinesFile]>([:])

    /// The one instance for `path` in this process.
    static func shared(_ path: String) -> JSONLinesFile {
        files.withLock { files in
            if let file = files[path] { return file }
            let file = JSONLinesFile(path: path, calls: .system)
            files[path] = file
            return file
        }
    }

    init(path: String, calls: FileCalls) {
        self.path = path
        self.calls = calls
        queue = DispatchQueue(label: "cxd.file-notifier")
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends `lines` (each ending in a newline), then syncs once; one outcome per line.
    func append(_ lines: [Data]) async -> [DeliveryOutcome] {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.appendNow(lines)) }
        }
    }

    private func appendNow(_ lines: [Data]) -> [DeliveryOutcome] {
        if let problem = openIfNeeded() {
            return lines.map { _ in .retry(reason: problem, after: nil) }
        }
        var written = 0
        var failure: String?
        for line in lines {
            if let problem = writeWhole(line) {
                failure = problem
                break
            }
            written += 1
        }
        if written > 0, calls.fsync(descriptor) != 0 {
            let reason = "fsync \(path): \(Self.lastError())"
            reopenNextTime()
            return lines.map { _ in .retry(reason: reason, after: nil) }
        }
        return lines.indices.map { index in
            index < written ? .delivered : .retry(reason: failure ?? "not written", after: nil)
        }
    }

    /// Writes all of `line` (write(2) may write part of it); after a failure the file is cut
    /// back to its length before the line. Nil when the whole line is written.
    private func writeWhole(_ line: Data) -> String? {
        let start = lseek(descriptor, 0, SEEK_END)
        guard start >= 0 else { return "cannot append to \(path): \(Self.lastError())" }
        var done = 0
        while done < line.count {
            let count = line.withUnsafeBytes { bytes in
                calls.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[done...]))
            }
            if count > 0 {
                done += count
                continue
            }
            if count < 0, errno == EINTR { continue }
            let problem = count == 0 ? "no progress" : Self.lastError()
            if done > 0, ftruncate(descriptor, start) != 0 {
                let truncation = Self.lastError()
                reopenNextTime()
                return "cannot write to \(path): \(problem); removing the partial line failed too: \(truncation)"
            }
            return "cannot write to \(path): \(problem)"
        }
        return nil
    }

    /// Opens the file unless the open descriptor still is the file at `path`. Nil on success.
    private func openIfNeeded() -> String? {
        var current = stat()
        let exists = stat(path, &current) == 0
        if descriptor >= 0 {
            if exists, let identity, identity == (UInt64(current.st_dev), UInt64(current.st_ino)) { return nil }
            reopenNextTime()  // rotated or removed: the next lines go to a fresh file
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return "cannot create \(folder): \(error.localizedDescription)"
        }
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard opened >= 0 else { return "cannot open \(path): \(Self.lastError())" }
        var status = stat()
        guard fstat(opened, &status) == 0 else {
            let problem = Self.lastError()
            close(opened)
            return "cannot open \(path): \(problem)"
        }
        descriptor = opened
        identity = (UInt64(status.st_dev), UInt64(status.st_ino))
        return nil
    }

    private func reopenNextTime() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        identity = nil
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
