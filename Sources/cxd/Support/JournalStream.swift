#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// systemd's journal as cxd's stderr (sd-daemon(3), systemd.exec(5) `$JOURNAL_STREAM`): for a
/// unit whose stderr goes to the journal, systemd sets `JOURNAL_STREAM=DEVICE:INODE` of that
/// stream. journald stamps every line with its own time, and reads a line's priority from a
/// leading `<N>` (syslog's numbers: 3 error … 7 debug).
enum JournalStream {
    /// Whether stderr is the journal's stream. A process that inherited `JOURNAL_STREAM` but
    /// writes stderr elsewhere (a shell redirecting it to a file) does not match.
    static let isStandardError = connects(descriptor: STDERR_FILENO, value: ProcessInfo.processInfo.environment["JOURNAL_STREAM"])

    /// Whether `value` (`DEVICE:INODE`, decimal) names the file open on `descriptor`.
    static func connects(descriptor: Int32, value: String?) -> Bool {
        guard let value, let colon = value.firstIndex(of: ":"),
            let device = UInt64(value[..<colon]), let inode = UInt64(value[value.index(after: colon)...])
        else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// `text` with `<priority>` before each of its lines: a multi-line message becomes several
    /// journal entries, each of the same priority.
    static func prefixed(_ text: String, priority: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "<\(priority)>\($0)\n" }
            .joined()
    }
}
