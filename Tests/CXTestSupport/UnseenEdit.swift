#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Edits that a reader going by size and modification time cannot see: the tests of the
/// incremental reconcile use them to prove that a file was not read.
public enum UnseenEdit {
    /// Replaces the YAML file at `path` with invalid YAML of the same size and puts its
    /// modification time back (to the nanosecond). Returns that time.
    @discardableResult
    public static func breakKeepingSizeAndTime(_ path: String) throws -> timespec {
        let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
        let kept = try modificationTime(of: path)
        try ("id: [" + String(repeating: " ", count: size - 5)).write(toFile: path, atomically: false, encoding: .utf8)
        try setModificationTime(of: path, to: kept)
        return kept
    }

    public static func modificationTime(of path: String) throws -> timespec {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(.ENOENT) }
        return info.st_mtim
    }

    public static func setModificationTime(of path: String, to time: timespec) throws {
        var times = [time, time]
        guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw POSIXError(.EPERM) }
    }
}
