#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// At most one daemon per database. On Linux the daemon holds an exclusive `flock` on the
/// database file itself — the file, whatever path, symlink or hard link leads to it — so no
/// second path to the database and no deleted side file lets a second daemon in, and the kernel
/// releases the lock when the process dies. (Why this never disturbs SQLite's own locks, and why
/// its descriptor is never closed: see `LockDescriptorTable`.)
///
/// Once the lock is held the daemon's pid is published in `<database>.pid`, next to the
/// database's resolved path, written to a temporary file and renamed into place, for the CLI to
/// wake it (SIGUSR1). The pid file is only a signpost: exclusivity never depends on it, and the CLI
/// believes it only when the kernel's lock list shows that process holding the lock.
///
/// On other systems (macOS), where `flock` and `fcntl` locks interact and a lock on the database
/// would block SQLite, the lock is taken on `<database>.lock` beside the resolved path instead:
/// symlinks cannot get around it, deleting that file can.
public final class DaemonLock: Sendable {
    /// The database's resolved path (symlinks followed).
    public let database: String
    /// Where the daemon's pid is published: `<resolved database>.pid`.
    public let pidFile: String
    private let key: LockDescriptorTable.Key

    /// Takes the lock, then publishes this process's pid; or explains who holds the lock.
    public init(database: String) throws(DaemonLockError) {
        let resolved = Self.resolve(database)
        let lockedFile = Self.lockedFile(database: resolved)
        switch LockDescriptorTable.shared.lock(path: lockedFile) {
        case .locked(let key):
            self.key = key
        case .heldHere:
            throw .held(database: resolved, pid: getpid())
        case .heldElsewhere:
            throw .held(database: resolved, pid: Self.runningDaemon(database: resolved))
        case .failed(let operation, let code):
            throw .cannotLock(path: lockedFile, reason: "\(operation): \(String(cString: strerror(code)))")
        }
        // Resolved again now that the file exists (when it did not, only its folder was resolved).
        self.database = Self.resolve(resolved)
        pidFile = self.database + ".pid"
        do {
            try Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: pidFile), options: .atomic)
        } catch {
            LockDescriptorTable.shared.unlock(key)
            throw .cannotPublish(path: pidFile, reason: "\(error)")
        }
    }

    deinit {
        // The pid file goes first, while the lock still keeps any other daemon from writing its own.
        if Self.publishedPID(pidFile) == getpid() { unlink(pidFile) }
        LockDescriptorTable.shared.unlock(key)
    }

    /// The pid of the daemon running on `database`, or nil when none holds the lock.
    ///
    /// Takes no lock and opens no descriptor of the database (the caller may have the database
    /// open with SQLite; see `LockDescriptorTable`). On Linux the answer is the process that
    /// `/proc/locks` shows holding the exclusive `flock` on the database file — preferably the one
    /// named in the pid file, which a daemon publishes right after taking the lock; so the daemon is
    /// found from the moment it holds the lock, and a stale pid file never names a process that
    /// does not. Elsewhere, the pid file's process if it is alive.
    public static func runningDaemon(database: String) -> Int32? {
        let resolved = resolve(database)
        let published = publishedPID(resolved + ".pid")
        #if os(Linux)
        var info = stat()
        guard stat(resolved, &info) == 0 else { return nil }
        guard let locks = KernelLockList.read() else { return published.flatMap(alive) }
        let file = LockDescriptorTable.key(info)
        if let published, locks.holdsExclusiveFlock(pid: published, inode: file.inode) { return published }
        return locks.exclusiveFlockHolders(device: file.device, inode: file.inode).first
        #else
        return published.flatMap(alive)
        #endif
    }

    /// Tells the daemon on `database` that the store changed (SIGUSR1). Returns whether one ran.
    @discardableResult
    public static func wakeDaemon(database: String) -> Bool {
        guard let pid = runningDaemon(database: database) else { return false }
        return kill(pid, SIGUSR1) == 0
    }

    /// The file the lock is taken on: the database itself on Linux, a side file elsewhere.
    private static func lockedFile(database resolved: String) -> String {
        #if os(Linux)
        return resolved
        #else
        return resolved + ".lock"
        #endif
    }

    /// `path` with symlinks resolved; for a file that does not exist yet, its folder resolved.
    static func resolve(_ path: String) -> String {
        if let full = realpath(path, nil) {
            defer { free(full) }
            return String(cString: full)
        }
        let url = URL(fileURLWithPath: path)
        guard let folder = realpath(url.deletingLastPathComponent().path, nil) else { return path }
        defer { free(folder) }
        return URL(fileURLWithPath: String(cString: folder)).appendingPathComponent(url.lastPathComponent).path
    }

    private static func publishedPID(_ path: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func alive(_ pid: Int32) -> Int32? {
        kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }
}

public enum DaemonLockError: Error, CustomStringConvertible {
    case cannotLock(path: String, reason: String)
    case cannotPublish(path: String, reason: String)
    case held(database: String, pid: Int32?)

    public var description: String {
        switch self {
        case .cannotLock(let path, let reason):
            return "cannot lock \(path) for the daemon: \(reason)"
        case .cannotPublish(let path, let reason):
            return "cannot write the daemon's pid file \(path): \(reason)"
        case .held(let database, let pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "another cxd daemon (\(who)) is already running on this database (\(database)); "
                + "stop it first, or point this one at another database"
        }
    }
}
