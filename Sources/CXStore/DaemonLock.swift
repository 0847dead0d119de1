#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// At most one daemon per database: an exclusive `flock` on `<database>.lock`, which also holds
/// the daemon's process id so that the CLI can wake it after a change. The kernel releases the
/// lock when the process dies, so a crash never leaves a stale lock behind.
public final class DaemonLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock or explains who holds it.
    public init(database: String) throws(DaemonLockError) {
        path = database + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = DaemonLock.readPID(fd: fd)
            close(fd)
            throw .held(path: path, pid: holder)
        }
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = fd
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// The pid of the daemon running on `database`, or nil when none holds the lock.
    public static func runningDaemon(database: String) -> Int32? {
        let fd = open(database + ".lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // If we can take a shared lock, nobody holds the exclusive one: no daemon runs.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return readPID(fd: fd)
    }

    /// Tells the daemon on `database` that the store changed (SIGUSR1). Returns whether one ran.
    @discardableResult
    public static func wakeDaemon(database: String) -> Bool {
        guard let pid = runningDaemon(database: database) else { return false }
        return kill(pid, SIGUSR1) == 0
    }

    private static func readPID(fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

public enum DaemonLockError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case held(path: String, pid: Int32?)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open lock file \(path): \(reason)"
        case .held(let path, let pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "another cxd daemon (\(who)) is already running on this database (lock \(path)); "
                + "stop it first, or point this one at another database"
        }
    }
}
