import Foundation

/// The Python interpreter of the test virtual environment (`.venv`, made by `.ci/run` from
/// `Tests/requirements.txt`), which runs real servers (aiosmtpd, HTTP receivers) and independent
/// checks (email parsing, Standard Webhooks, JSON Schema).
public enum PythonTools {
    public static var python: String {
        if let custom = ProcessInfo.processInfo.environment["CXD_TEST_PYTHON"] { return custom }
        return repositoryRoot().appendingPathComponent(".venv/bin/python3").path
    }

    /// Fails with instructions when the virtual environment is missing.
    public static func requireEnvironment() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw MissingEnvironment(path: python)
        }
    }

    public struct MissingEnvironment: Error, CustomStringConvertible {
        var path: String
        public var description: String {
            "no Python test environment at \(path): run `python3 -m venv .venv && .venv/bin/pip install -r Tests/requirements.txt` (or set CXD_TEST_PYTHON)"
        }
    }
}
