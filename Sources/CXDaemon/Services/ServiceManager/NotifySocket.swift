#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The service manager's notification socket (sd_notify(3)): how cxd, run by a systemd unit
/// with `Type=notify`, says that it is ready, reloading or stopping, and what it is doing
/// (the `Status:` line of `systemctl status`).
///
/// A notification is one datagram of `KEY=value` lines sent to the unix socket that
/// `NOTIFY_SOCKET` names: a path, or with a leading `@` an abstract socket. Sending is best
/// effort, as sd_notify's is: cxd goes on working when no one hears it.
public struct NotifySocket: Sendable {
    /// The socket as `NOTIFY_SOCKET` gives it (`/run/systemd/notify`, `@name`).
    public let address: String

    /// The socket `NOTIFY_SOCKET` names, or nil when it names none: cxd is not run by a service
    /// manager that listens (or the address is not a unix socket's).
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let address = environment["NOTIFY_SOCKET"] else { return nil }
        self.init(address: address)
    }

    /// Nil unless `address` is an absolute path or `@name`, short enough for `sockaddr_un`.
    public init?(address: String) {
        guard address.hasPrefix("/") || address.hasPrefix("@"), address.utf8.count > 1,
            address.utf8.count <= Self.longestAddress
        else { return nil }
        self.address = address
    }

    /// One line of a notification.
    public enum Field: Sendable, Equatable {
        /// `READY=1`: start-up, or a reload, is finished.
        case ready
        /// `RELOADING=1` with `MONOTONIC_USEC=`, the CLOCK_MONOTONIC instant the reload began.
        case reloading(monotonicMicroseconds: UInt64)
        /// `STOPPING=1`: the daemon is shutting down.
        case stopping
        /// `STATUS=`: one line for `systemctl status`. Line breaks become spaces (a new line
        /// would start another field).
        case status(String)

        var line: String {
            switch self {
            case .ready: return "READY=1"
            case .reloading(let microseconds): return "RELOADING=1\nMONOTONIC_USEC=\(microseconds)"
            case .stopping: return "STOPPING=1"
            case .status(let text):
                return "STATUS=" + text.split(whereSeparator: \.isNewline).joined(separator: " ")
            }
        }
    }

    /// The datagram for `fields`.
    public static func message(_ fields: [Field]) -> String {
        fields.map(\.line).joined(separator: "\n") + "\n"
    }

    /// `RELOADING=1` stamped now.
    public static func reloadingNow() -> Field {
        .reloading(monotonicMicroseconds: monotonicMicroseconds())
    }

    /// CLOCK_MONOTONIC in microseconds: the clock `MONOTONIC_USEC=` is read against.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// Sends `fields` as one datagram; returns whether the socket took it.
    @discardableResult
    public func send(_ fields: Field...) -> Bool {
        send(Self.message(fields))
    }

    /// Sends `message` as one datagram; returns whether the socket took it.
    @discardableResult
    public func send(_ message: String) -> Bool {
        #if os(Linux)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        var path = Array(address.utf8)
        // An abstract address starts with a NUL byte and is not NUL-terminated: its length is
        // exactly the bytes given.
        if path[0] == UInt8(ascii: "@") { path[0] = 0 }
        withUnsafeMutableBytes(of: &target.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(Self.pathOffset + path.count)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
        }
        return sent == bytes.count
        #else
        // systemd is Linux's: elsewhere nobody listens.
        return false
        #endif
    }

    private static let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
    /// `sun_path` holds 108 bytes; a path needs its terminating NUL, an abstract name does not,
    /// so both stay one short of the whole.
    private static let longestAddress = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
}
