import Foundation

/// The file locks the Linux kernel lists in `/proc/locks`, read without taking any lock: how the
/// CLI learns which process holds the daemon lock without a probe that could collide with a
/// daemon taking it.
///
/// A line reads `1: FLOCK  ADVISORY  WRITE 4242 fe:01:1835 0 EOF`: number, kind, mode, access,
/// pid, `major:minor:inode` (device numbers in hex), range. Requests still waiting for a lock are
/// listed as `1: -> FLOCK …` and are skipped.
struct KernelLockList {
    struct Entry: Equatable {
        var kind: String
        var access: String
        var pid: Int32
        var major: UInt64
        var minor: UInt64
        var inode: UInt64
    }

    var entries: [Entry]

    /// Nil when the list cannot be read (no `/proc`, or not Linux).
    static func read(from path: String = "/proc/locks") -> KernelLockList? {
        // Read to the end: /proc files report a size of 0, and `FileManager.contents(atPath:)`
        // then stops after one page (4,095 bytes), so on a machine holding many locks (every
        // SQLite database in WAL mode holds several) the daemon's lock could lie past what was
        // read, and commands would not find the daemon to wake it.
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return KernelLockList(parsing: String(decoding: data, as: UTF8.self))
    }

    init(parsing text: String) {
        entries = text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] != "->", let pid = Int32(fields[4]) else { return nil }
            let id = fields[5].split(separator: ":")
            guard id.count == 3, let major = UInt64(id[0], radix: 16), let minor = UInt64(id[1], radix: 16),
                let inode = UInt64(id[2])
            else { return nil }
            return Entry(kind: String(fields[1]), access: String(fields[3]), pid: pid, major: major, minor: minor, inode: inode)
        }
    }

    /// The processes holding an exclusive `flock` on the file with this device and inode.
    func exclusiveFlockHolders(device: UInt64, inode: UInt64) -> [Int32] {
        let (major, minor) = Self.split(device)
        return entries.filter {
            $0.kind == "FLOCK" && $0.access == "WRITE" && $0.inode == inode && $0.major == major && $0.minor == minor
        }.map(\.pid)
    }

    /// Whether `pid` holds an exclusive `flock` on a file with this inode number, whatever the
    /// device (overlay file systems may report a device in `stat` other than the one listed here).
    func holdsExclusiveFlock(pid: Int32, inode: UInt64) -> Bool {
        entries.contains { $0.kind == "FLOCK" && $0.access == "WRITE" && $0.inode == inode && $0.pid == pid }
    }

    /// Major and minor numbers of a Linux `dev_t` (glibc's `gnu_dev_major`/`gnu_dev_minor`).
    static func split(_ device: UInt64) -> (major: UInt64, minor: UInt64) {
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & 0xffff_f000)
        let minor = (device & 0xff) | ((device >> 12) & 0xffff_ff00)
        return (major, minor)
    }
}
