#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The Python interpreter of the test virtual environment (`.venv` at the repository root,
/// with the packages of `Tests/requirements.txt`), which runs real servers (aiosmtpd, HTTP
/// receivers) and independent checks (email parsing, Standard Webhooks, JSON Schema).
/// `.ci/run` creates it; on a developer's machine the first test that needs it creates it, so
/// that `swift test` works from a fresh clone.
public enum PythonTools {
    public static var python: String {
        if let custom = ProcessInfo.processInfo.environment["CXD_TEST_PYTHON"] { return custom }
        return repositoryRoot().appendingPathComponent(".venv/bin/python3").path
    }

    /// Makes sure the virtual environment exists, creating it (once, under a file lock shared
    /// by concurrent test processes) when it does not.
    public static func requireEnvironment() throws {
        if FileManager.default.isExecutableFile(atPath: python) { return }
        guard ProcessInfo.processInfo.environment["CXD_TEST_PYTHON"] == nil else { throw MissingEnvironment(path: python) }
        let root = repositoryRoot()
        let lockPath = root.appendingPathComponent(".venv.lock").path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MissingEnvironment(path: python) }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        if FileManager.default.isExecutableFile(atPath: python) { return }
        let venv = root.appendingPathComponent(".venv").path
        try run("/usr/bin/env", ["python3", "-m", "venv", venv])
        try run(venv + "/bin/pip", ["install", "--quiet", "--disable-pip-version-check", "-r",
                                   root.appendingPathComponent("Tests/requirements.txt").path])
        guard FileManager.default.isExecutableFile(atPath: python) else { throw MissingEnvironment(path: python) }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SetupFailed(command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus)
        }
    }

    public struct MissingEnvironment: Error, CustomStringConvertible {
        var path: String
        public var description: String {
            "no Python test environment at \(path): run `python3 -m venv .venv && .venv/bin/pip install -r Tests/requirements.txt` (or set CXD_TEST_PYTHON)"
        }
    }

    public struct SetupFailed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        public var description: String { "creating the Python test environment failed (exit \(status)): \(command)" }
    }
}
