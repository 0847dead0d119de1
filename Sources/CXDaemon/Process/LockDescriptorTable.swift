#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The descriptors this process opened to take daemon locks, one per file (device and inode),
/// kept open for the life of the process: releasing a lock unlocks its descriptor and parks it
/// for the next lock on the same file, and nothing here ever closes one.
///
/// Why never close: on Linux the daemon lock is a `flock` on the database file itself, and SQLite
/// locks that same file with POSIX `fcntl` record locks. POSIX ties record locks to the pair
/// (process, file), not to a descriptor, so closing ANY descriptor of the file drops EVERY record
/// lock the process holds on it — among them the SHARED lock each SQLite connection in WAL mode
/// keeps on the database for as long as it is open. SQLite protects its own descriptors from this
/// (it defers closing them while the file is locked) but cannot know about ours. Hence:
/// - a descriptor opened here is never closed, not even when taking the lock fails;
/// - at most one descriptor per file: a second lock on a file this process already holds is
///   refused from the table, without opening anything;
/// - the probe that looks for a running daemon (`DaemonLock.runningDaemon`) opens no descriptor of
///   the database at all: it uses `stat(2)` on the path and reads `/proc/locks`.
/// The cost is one descriptor for each database file the process ever locked: one, for cxd.
///
/// `flock` and `fcntl` locks are independent on Linux (flock(2): "flock() and fcntl(2) locks
/// don't interact"), so this lock never blocks SQLite in this or another process. The exception
/// is NFS (and CIFS), where the kernel emulates `flock` with a whole-file `fcntl` lock; a cxd
/// database cannot live there anyway, since SQLite's WAL mode needs the file on a local disk.
final class LockDescriptorTable: Sendable {
    static let shared = LockDescriptorTable()

    /// Device and inode: the file whatever path, symlink or hard link leads to it.
    struct Key: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    enum Outcome: Sendable {
        /// Locked; `key` names the file in the table.
        case locked(Key)
        /// A descriptor of this process already holds the lock.
        case heldHere
        /// Another process holds the lock.
        case heldElsewhere
        case failed(operation: String, errno: Int32)
    }

    private struct Entry {
        var descriptor: Int32
        var locked: Bool
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Descriptors opened when a race made the path name a file already in `entries`.
        var spare: [Int32] = []
    }

    private let state = Mutex(State())

    /// Takes an exclusive, non-blocking `flock` on the file at `path`, creating an empty file if
    /// there is none (SQLite reads an empty file as an empty database).
    func lock(path: String) -> Outcome {
        state.withLock { state in
            var info = stat()
            let key: Key
            if stat(path, &info) == 0, state.entries[Self.key(info)] != nil {
                key = Self.key(info)
            } else {
                let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { return .failed(operation: "open", errno: errno) }
                guard fstat(descriptor, &info) == 0 else {
                    // Unknown identity: keep it open all the same (see above).
                    let code = errno
                    state.spare.append(descriptor)
                    return .failed(operation: "fstat", errno: code)
                }
                key = Self.key(info)
                if state.entries[key] == nil {
                    state.entries[key] = Entry(descriptor: descriptor, locked: false)
                } else {
                    state.spare.append(descriptor)
                }
            }
            guard let entry = state.entries[key] else { return .failed(operation: "open", errno: ENOENT) }
            if entry.locked { return .heldHere }
            guard flock(entry.descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                return code == EWOULDBLOCK ? .heldElsewhere : .failed(operation: "flock", errno: code)
            }
            state.entries[key]?.locked = true
            return .locked(key)
        }
    }

    /// Releases the lock taken by `lock(path:)`; the descriptor stays open, parked for reuse.
    func unlock(_ key: Key) {
        state.withLock { state in
            guard let entry = state.entries[key], entry.locked else { return }
            _ = flock(entry.descriptor, LOCK_UN)
            state.entries[key]?.locked = false
        }
    }

    static func key(_ info: stat) -> Key {
        Key(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino))
    }
}
