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
        return Environment(root: repositoryRoot()).python
    }

    /// Makes sure the virtual environment is ready, creating or rebuilding it (once, under a file
    /// lock shared by concurrent test processes) when it is not. With `CXD_TEST_PYTHON` set,
    /// only checks that interpreter.
    public static func requireEnvironment() async throws {
        if let custom = ProcessInfo.processInfo.environment["CXD_TEST_PYTHON"] {
            guard FileManager.default.isExecutableFile(atPath: custom) else { throw MissingEnvironment(path: custom) }
            return
        }
        try await Environment(root: repositoryRoot()).require()
    }

    /// A virtual environment `<root>/.venv` holding the packages of `<root>/Tests/requirements.txt`.
    ///
    /// It is ready only once pip has installed them all: the interpreter appears early in `python3
    /// -m venv`, long before pip is done, so readiness is a receipt written after pip succeeded —
    /// a copy of the requirements it installed. A missing receipt (a build that was interrupted or
    /// is still under way) or one that differs from today's requirements means: rebuild.
    public struct Environment: Sendable {
        public let root: URL

        public init(root: URL) { self.root = root }

        public var folder: URL { root.appendingPathComponent(".venv") }
        public var python: String { folder.appendingPathComponent("bin/python3").path }
        public var requirements: URL { root.appendingPathComponent("Tests/requirements.txt") }
        /// Written by this type and by `.ci/run`, after pip succeeded; same name in both.
        public var receipt: URL { folder.appendingPathComponent("installed-requirements.txt") }
        var lockPath: String { root.appendingPathComponent(".venv.lock").path }

        /// Whether the interpreter exists and pip finished installing today's requirements.
        public var isReady: Bool {
            guard FileManager.default.isExecutableFile(atPath: python),
                let wanted = FileManager.default.contents(atPath: requirements.path)
            else { return false }
            return FileManager.default.contents(atPath: receipt.path) == wanted
        }

        /// Returns at once when ready; otherwise builds on a thread of its own — taking the file
        /// lock and waiting for venv and pip both block — so that no thread of Swift's cooperative
        /// pool is held while another test process (or task) builds the environment.
        public func require() async throws {
            if isReady { return }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try build()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "cxd-test-python-environment"
                thread.start()
            }
        }

        /// Blocking: waits for the lock, then (unless another process finished meanwhile) builds
        /// the environment from scratch and writes the receipt last.
        func build() throws {
            let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw MissingEnvironment(path: python) }
            defer { close(descriptor) }
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { throw MissingEnvironment(path: python) }
            }
            defer { flock(descriptor, LOCK_UN) }
            if isReady { return }
            guard let wanted = FileManager.default.contents(atPath: requirements.path) else {
                throw MissingEnvironment(path: python)
            }
            try? FileManager.default.removeItem(at: receipt)
            try PythonTools.run("/usr/bin/env", ["python3", "-m", "venv", "--clear", folder.path])
            try PythonTools.run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements.path])
            try wanted.write(to: receipt, options: .atomic)
            guard isReady else { throw MissingEnvironment(path: python) }
        }
    }

    /// Runs a command to completion; blocking, so only ever called from `Environment.build`.
    static func run(_ executable: String, _ arguments: [String]) throws {
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
            "no Python test environment at \(path): run `python3 -m venv .venv && .venv/bin/pip install -r Tests/requirements.txt "
                + "&& cp Tests/requirements.txt .venv/installed-requirements.txt` (or set CXD_TEST_PYTHON)"
        }
    }

    public struct SetupFailed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        public var description: String { "creating the Python test environment failed (exit \(status)): \(command)" }
    }
}
