import ArgumentParser
import CXConfig
import CXCore
import CXStore
import Foundation

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new cxd project folder from the built-in example.",
        discussion: """
            Writes config/cxd.yaml, config/people.yaml, three example initiatives (one in \
            Vietnamese) and the eight-step workflow into FOLDER. Refuses to overwrite anything.
            """)

    @Argument(help: "The folder to create (it may exist, but must not hold these files).")
    var folder: String

    func run() async throws {
        let root = URL(fileURLWithPath: folder)
        let manager = FileManager.default
        let existing = EmbeddedDefaults.files.map { root.appendingPathComponent($0.path).path }.filter(manager.fileExists)
        guard existing.isEmpty else {
            CommandContext.printError("cxd: refusing to overwrite \(existing.joined(separator: ", "))")
            throw ExitStatus.dataError
        }
        do {
            for file in EmbeddedDefaults.files {
                let url = root.appendingPathComponent(file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url, options: .withoutOverwriting)
            }
        } catch {
            CommandContext.printError("cxd: cannot write \(folder): \(error.localizedDescription)")
            throw ExitStatus.runtimeFailure
        }
        print("Created \(folder) with \(EmbeddedDefaults.files.count) files. Next:")
        print("  cd \(folder)")
        print("  cxd validate        # check the YAML")
        print("  cxd run             # the daemon; state goes to \(folder)/state/")
        print("  cxd status          # in another terminal")
    }
}
