import CXTestSupport
import Foundation
import Testing
@testable import cxd

/// `dist/systemd/cxd.service`, the unit users install, checked by systemd's own parser.
@Suite("The systemd unit")
struct SystemdUnitTests {
    static var unit: URL { repositoryRoot().appendingPathComponent("dist/systemd/cxd.service") }
    #if os(Linux)
    static let onLinux = true
    #else
    static let onLinux = false
    #endif

    @Test(.enabled(if: Self.onLinux, "systemd runs on Linux only"))
    func systemdAnalyzeVerifiesTheUnitWithoutAWarning() async throws {
        let analyze = try ExternalTool("systemd-analyze", package: "systemd")
        // verify checks that ExecStart's program exists: the unit names where users install
        // cxd, the test the binary it built.
        let shipped = try String(contentsOf: Self.unit, encoding: .utf8)
        let text = shipped.replacingOccurrences(of: "ExecStart=/usr/local/bin/cxd ", with: "ExecStart=\(CXDProcess.executable.path) ")
        #expect(text != shipped, "the unit no longer starts /usr/local/bin/cxd")
        let folder = TemporaryDirectory("cxd-unit")
        try folder.write("cxd.service", text)
        let result = try await analyze.run(["verify", folder.file("cxd.service")])
        // verify exits 0 on unknown keys and bad values too, and only says so: any word is a failure.
        #expect(result.status == 0)
        #expect(result.stdout + result.stderr == "", "\(result.stdout)\(result.stderr)")
    }

    @Test func systemdWaitsLongerForAStopThanCxdTakes() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("TimeoutStopSec=") })
        let seconds = try #require(Int64(line.dropFirst("TimeoutStopSec=".count).replacingOccurrences(of: "s", with: "")))
        // `cxd run` gives its services this long after SIGTERM, then this long once they are
        // cancelled, and then ends the process itself: systemd must not SIGKILL it sooner.
        let budget = Run.gracefulShutdownSeconds + Run.cancellationSeconds
        #expect(seconds > budget, "TimeoutStopSec=\(seconds)s, but cxd may take \(budget) s to stop")
    }
}
