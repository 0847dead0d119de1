import CXConfig
import Foundation
import Testing

@Suite struct EmbeddedDefaultsTests {
    /// `cxd init` writes these copies; they must match the repository's files. When this
    /// fails, run `python3 scripts/embed-defaults.py`.
    @Test func embeddedCopiesMatchTheRepositoryFiles() throws {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var onDisk: [String] = []
        for folder in ["config", "workflows"] {
            let base = root.appending(path: folder)
            let files = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
            onDisk += files.filter { $0.hasSuffix(".yaml") }.map { "\(folder)/\($0)" }
        }
        #expect(EmbeddedDefaults.files.map(\.path).sorted() == onDisk.sorted())
        for file in EmbeddedDefaults.files {
            let contents = try String(contentsOf: root.appending(path: file.path), encoding: .utf8)
            #expect(file.contents == contents, "\(file.path) differs: run scripts/embed-defaults.py")
        }
    }
}
