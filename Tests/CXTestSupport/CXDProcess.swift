import Foundation

/// Runs the real `cxd` binary built next to the tests.
public enum CXDProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `cxd` executable in the same build folder as the running tests.
    public static var executable: URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].compactMap { $0 }
        for folder in candidates {
            var url = folder
            for _ in 0..<4 {
                let binary = url.appendingPathComponent("cxd")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                url = url.deletingLastPathComponent()
            }
        }
        return repositoryRoot().appendingPathComponent(".build/debug/cxd")
    }

    /// Runs `cxd arguments…` in `directory` and waits (at most `timeout` seconds).
    public static func run(_ arguments: [String], in directory: String, timeout: TimeInterval = 60) async throws -> Result {
        let process = try start(arguments, in: directory)
        return await process.wait(timeout: timeout)
    }

    /// Starts `cxd` without waiting; the caller stops it.
    ///
    /// - Parameters:
    ///   - environment: variables set on top of the test runner's own.
    ///   - journal: stderr poses as systemd's journal: `JOURNAL_STREAM` names the file stderr
    ///     goes to (its device and inode), as systemd sets it for a unit that logs to the journal.
    public static func start(
        _ arguments: [String], in directory: String, environment extra: [String: String] = [:], journal: Bool = false
    ) throws -> Running {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CXD_ACTOR"] = "test"
        // Set when the tests themselves run under systemd; a daemon under test answers only to the test.
        environment["NOTIFY_SOCKET"] = nil
        environment["JOURNAL_STREAM"] = nil
        environment.merge(extra) { _, new in new }
        let running = Running(process: process)
        if journal {
            var status = stat()
            guard fstat(running.stderrFile.fileDescriptor, &status) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            environment["JOURNAL_STREAM"] = "\(status.st_dev):\(status.st_ino)"
        }
        process.environment = environment
        process.standardOutput = running.stdoutFile
        process.standardError = running.stderrFile
        try process.run()
        return running
    }

    /// A started process; output goes to temporary files so that pipes never fill up.
    public final class Running: @unchecked Sendable {
        public let process: Process
        let folder = TemporaryDirectory("cxd-proc")
        let stdoutFile: FileHandle
        let stderrFile: FileHandle

        init(process: Process) {
            self.process = process
            _ = FileManager.default.createFile(atPath: folder.file("out"), contents: nil)
            _ = FileManager.default.createFile(atPath: folder.file("err"), contents: nil)
            stdoutFile = FileHandle(forWritingAtPath: folder.file("out"))!
            stderrFile = FileHandle(forWritingAtPath: folder.file("err"))!
        }

        public var stderr: String { (try? folder.read("err")) ?? "" }

        public func signal(_ number: Int32) {
            kill(process.processIdentifier, number)
        }

        /// Waits for the process to exit (at most `timeout` seconds, then kills it). Polls
        /// with `Task.sleep` so that no thread of the test runner is blocked.
        public func wait(timeout: TimeInterval = 10) async -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
            return result()
        }

        func result() -> Result {
            Result(
                status: process.terminationStatus, stdout: (try? folder.read("out")) ?? "",
                stderr: (try? folder.read("err")) ?? "")
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    /// The blocking form of `waitFor`, for teardown code that cannot be async (a `deinit`).
    /// It holds a thread, so keep its waits short and out of the tests' main paths.
    public static func waitForBlocking(timeout: TimeInterval, _ condition: () -> Bool) -> TimeInterval? {
        let start = Date()
        while true {
            // Checked once more after the deadline: a thread that was not scheduled for a
            // while must not report a condition that holds as a timeout.
            let elapsed = Date().timeIntervalSince(start)
            if condition() { return elapsed }
            if elapsed >= timeout { return nil }
            usleep(20_000)
        }
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes; returns how long it took.
    /// The condition is checked once more after the deadline: under a full test run the
    /// waiting task may not be resumed for seconds (CPU-heavy tests hold the cooperative
    /// threads), and a condition that came true meanwhile is not a timeout.
    public static func waitFor(timeout: TimeInterval, _ condition: () -> Bool) async -> TimeInterval? {
        let start = Date()
        while true {
            let elapsed = Date().timeIntervalSince(start)
            if condition() { return elapsed }
            if elapsed >= timeout { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
