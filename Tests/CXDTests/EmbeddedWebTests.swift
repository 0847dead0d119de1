import CXTestSupport
import Foundation
import Testing

/// The daemon serves web/ from its binary (Sources/CXWeb/EmbeddedWeb.swift, generated): the
/// copy must be what `scripts/embed-web.py` makes of web/ today.
@Suite struct EmbeddedWebTests {
    @Test func theEmbeddedTemplatesStaticFilesAndDocumentMatchWeb() async throws {
        let python = try ExternalTool("python3", package: "python3")
        let result = try await python.run(
            [repositoryRoot().appendingPathComponent("scripts/embed-web.py").path, "--check"], directory: repositoryRoot().path)
        #expect(result.status == 0, "\(result.stderr)")
    }
}
