#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The service manager's end of sd_notify, as systemd has it: a unix datagram socket bound at a
/// path or an abstract name, whose address goes into `NOTIFY_SOCKET`. Keeps every datagram it
/// receives, in order.
public final class NotifyReceiver: @unchecked Sendable {
    /// The value for `NOTIFY_SOCKET`: the path, or `@name` for an abstract socket.
    public let address: String
    private let descriptor: Int32
    private let folder: TemporaryDirectory?
    /// Every datagram received so far, oldest first.
    public private(set) var received: [String] = []

    public enum Kind: String, Sendable, CaseIterable {
        case path
        case abstract
    }

    public init(_ kind: Kind) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(what: "socket", code: errno) }
        var name: [UInt8]
        switch kind {
        case .path:
            let folder = TemporaryDirectory("cxd-notify")
            self.folder = folder
            address = folder.file("notify")
            name = Array(address.utf8)
        case .abstract:
            folder = nil
            address = "@cxd-test-notify-\(getpid())-\(UUID().uuidString.prefix(8))"
            name = Array(address.utf8)
            name[0] = 0
        }
        var local = sockaddr_un()
        local.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &local.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw Failure(what: "bind \(address)", code: code)
        }
    }

    deinit {
        close(descriptor)
    }

    /// Waits (at most `timeout` seconds) for a datagram that satisfies `matching`, received
    /// after the ones already looked at through `since`; returns it and its index.
    public func next(
        after since: Int = 0, timeout: TimeInterval = 30, _ matching: (String) -> Bool
    ) async -> (index: Int, message: String)? {
        let deadline = Date().addingTimeInterval(timeout)
        var index = since
        while true {
            drain()
            while index < received.count {
                if matching(received[index]) { return (index, received[index]) }
                index += 1
            }
            guard Date() < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Reads every datagram waiting, without blocking.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { return }
            received.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }

    /// CLOCK_MONOTONIC in microseconds, read here rather than through cxd's own code: the
    /// clock `MONOTONIC_USEC=` must be on.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// The fields of a datagram (`READY=1\nSTATUS=…`), by name.
    public static func fields(_ message: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in message.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return fields
    }

    public struct Failure: Error, CustomStringConvertible {
        var what: String
        var code: Int32
        public var description: String { "\(what): \(String(cString: strerror(code)))" }
    }
}
