import Foundation

/// A program the tests take from the system rather than build (`systemd-analyze`, say): found
/// on `PATH` and in the usual folders, or reported missing with the Debian package that has it.
public struct ExternalTool: Sendable {
    public let path: String

    public init(_ name: String, package: String) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        guard let found = folders.map({ "\($0)/\(name)" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Missing(name: name, package: package)
        }
        self.path = found
    }

    /// A program at a known path (the test environment's Python, say).
    public init(path: String) {
        self.path = path
    }

    /// Runs the tool to its end (killed after `timeout` seconds); output goes to files, so a
    /// talkative tool never blocks on a full pipe. `input` is a file read as standard input;
    /// `directory` the working directory (the test process's own when nil).
    public func run(
        _ arguments: [String], input: String? = nil, directory: String? = nil, timeout: TimeInterval = 60
    ) async throws -> CXDProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let input {
            guard let handle = FileHandle(forReadingAtPath: input) else { throw CocoaError(.fileReadNoSuchFile) }
            process.standardInput = handle
        }
        let running = CXDProcess.Running(process: process)
        process.standardOutput = running.stdoutFile
        process.standardError = running.stderrFile
        try process.run()
        return await running.wait(timeout: timeout)
    }

    public struct Missing: Error, CustomStringConvertible {
        var name: String
        var package: String
        public var description: String {
            "\(name) is not installed, so this test cannot run: install Debian's '\(package)' package "
                + "(`apt-get install \(package)`; .ci/run does)"
        }
    }
}
