import CXTestSupport
import Foundation
import Testing

/// The test helper that builds the Python environment (`PythonTools.Environment`), on a
/// temporary root whose requirements list no package: nothing is downloaded, and `python3 -m
/// venv` installs pip from the copy bundled with Python.
@Suite("Python test environment: ready only after pip finished")
struct PythonEnvironmentTests {
    let folder = TemporaryDirectory("cxd-venv")

    /// What a parallel test saw on a fresh clone while another one was still running pip: the
    /// interpreter exists, the packages do not.
    func halfBuilt() throws -> PythonTools.Environment {
        try folder.write("Tests/requirements.txt", "# no packages: nothing to download\n")
        try folder.write(".venv/bin/python3", "#!/bin/sh\nexit 3\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.file(".venv/bin/python3"))
        return PythonTools.Environment(root: folder.url)
    }

    @Test func anInterpreterWithoutTheReceiptOfAFinishedPipInstallIsNotReady() async throws {
        let environment = try halfBuilt()
        #expect(FileManager.default.isExecutableFile(atPath: environment.python))
        #expect(!environment.isReady)

        try await environment.require()
        #expect(environment.isReady)
        #expect(try folder.read(".venv/installed-requirements.txt") == "# no packages: nothing to download\n")
        // The half-built placeholder was replaced by a working interpreter with pip.
        #expect(try await exitStatus(environment.python, ["-m", "pip", "--version"]) == 0)
    }

    @Test func changedRequirementsMakeAFinishedEnvironmentStale() throws {
        let environment = try halfBuilt()
        try folder.write(".venv/installed-requirements.txt", "# no packages: nothing to download\n")
        #expect(environment.isReady)
        try folder.write("Tests/requirements.txt", "# no packages: nothing to download\nsomething-new==1.0\n")
        #expect(!environment.isReady)
    }

    func exitStatus(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
}
