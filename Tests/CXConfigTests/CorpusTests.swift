import CXConfig
import Foundation
import Testing

/// Bad inputs under `Corpus/bad/<case>/`: each case overrides files of the good project in
/// `Corpus/base/` and lists in `expected.txt` the exact diagnostics, paths relative to the project.
/// A file named `DELETE-<path with / as __>` removes that base file.
@Suite struct CorpusTests {
    static let corpus = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Corpus")

    static let caseNames: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.appending(path: "bad").path)) ?? [])
        .filter { !$0.hasPrefix(".") }
        .sorted()

    @Test func corpusHasAtLeastFortyCases() {
        #expect(Self.caseNames.count >= 40)
    }

    @Test func baseProjectLoadsWithoutDiagnostics() throws {
        let project = try Project()
        defer { project.remove() }
        #expect(project.diagnostics() == "")
    }

    @Test(arguments: caseNames)
    func badInputIsReportedExactly(_ name: String) throws {
        let caseFolder = Self.corpus.appending(path: "bad").appending(path: name)
        let project = try Project()
        defer { project.remove() }
        try project.overlay(caseFolder)
        let expected = try String(contentsOf: caseFolder.appending(path: "expected.txt"), encoding: .utf8)
        let actual = project.diagnostics()
        if ProcessInfo.processInfo.environment["CXD_CORPUS_RECORD"] == "1" {
            try (actual + "\n").write(to: caseFolder.appending(path: "expected.txt"), atomically: true, encoding: .utf8)
        }
        #expect(actual == expected.trimmingCharacters(in: .newlines))
    }

    @Test func fileOverOneMebibyteIsRefusedUnparsed() throws {
        let project = try Project()
        defer { project.remove() }
        let line = "# " + String(repeating: "x", count: 1021) + "\n"  // 1 KiB
        let text = String(repeating: line, count: 2355)
        try text.write(to: project.root.appending(path: "people.yaml"), atomically: true, encoding: .utf8)
        #expect(project.diagnostics() == "people.yaml:1:1: file is 2.3 MiB; cxd refuses YAML files over 1 MiB")
    }

    @Test func missingMainFileIsReportedAtItsStart() throws {
        let project = try Project()
        defer { project.remove() }
        try FileManager.default.removeItem(at: project.root.appending(path: "cxd.yaml"))
        #expect(project.diagnostics() == "cxd.yaml:1:1: cannot read file: no such file")
    }
}

/// A copy of `Corpus/base` in a fresh temporary folder.
struct Project {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appending(path: "cxd-corpus-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: CorpusTests.corpus.appending(path: "base"), to: root)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Copies the case's files over the project (and applies its `DELETE-` markers).
    func overlay(_ caseFolder: URL) throws {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: caseFolder.path) else { return }
        for case let relative as String in enumerator {
            let source = caseFolder.appending(path: relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: source.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  relative != "expected.txt" else { continue }
            let name = source.lastPathComponent
            if name.hasPrefix("DELETE-") {
                let target = String(name.dropFirst("DELETE-".count)).replacingOccurrences(of: "__", with: "/")
                try manager.removeItem(at: root.appending(path: target))
                continue
            }
            let destination = root.appending(path: relative)
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
            try manager.copyItem(at: source, to: destination)
        }
    }

    /// The loader's diagnostics, one per line, with paths relative to the project.
    func diagnostics() -> String {
        do {
            _ = try ConfigurationLoader.load(
                from: root.appending(path: "cxd.yaml").path, notifierTypes: testNotifierTypes)
            return ""
        } catch {
            let prefix = root.path + "/"
            return error.diagnostics.map { diagnostic in
                var copy = diagnostic
                if copy.file.hasPrefix(prefix) { copy.file = String(copy.file.dropFirst(prefix.count)) }
                return copy.description.replacingOccurrences(of: prefix, with: "")
            }.joined(separator: "\n")
        }
    }
}
