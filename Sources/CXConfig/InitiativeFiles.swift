#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXCore
import Foundation
import Yams

/// How much of the initiatives folder `ConfigurationLoader.load` reads.
public enum InitiativeLoading: Sendable, Equatable {
    /// Every initiative file, parsed and cross-checked (`cxd validate`, tests).
    case all
    /// None: the engine reads only the files that changed since it last reconciled.
    case none
}

/// One initiative file as found on disk: enough to tell whether it changed since the engine
/// last read it, without reading it.
public struct InitiativeFile: Sendable, Equatable {
    /// The path shown in diagnostics (relative when the configuration path was).
    public var path: String
    /// The same file from the root: what the engine's index keys on, whatever the current
    /// directory of the command.
    public var absolutePath: String
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var modified: Int64

    public init(path: String, absolutePath: String, size: Int64, modified: Int64) {
        self.path = path
        self.absolutePath = absolutePath
        self.size = size
        self.modified = modified
    }

    /// `path`'s size and modification time now; nil when it cannot be read.
    public static func current(_ path: String) -> InitiativeFile? {
        current(path, absolutePath: Paths.absolute(path))
    }

    static func current(_ path: String, absolutePath: String) -> InitiativeFile? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return InitiativeFile(path: path, absolutePath: absolutePath, size: Int64(info.st_size), modified: modified)
    }
}

extension ConfigurationLoader {
    /// Every `*.yaml`/`*.yml` file of the initiatives folder with its size and modification
    /// time (one directory listing and one `stat` per file; nothing is read).
    public static func initiativeFiles(of configuration: Configuration) throws(ConfigurationError) -> [InitiativeFile] {
        guard let folder = configuration.initiativesFolder else { return [] }
        guard let paths = Paths.yamlFiles(in: folder) else {
            throw ConfigurationError(diagnostics: [
                Diagnostic(file: configuration.file, line: 1, column: 1, message: "initiatives: \(Paths.folderProblem(folder)) (\(folder))")
            ])
        }
        // The folder made absolute once (not a `getcwd` per file); a file removed between the
        // listing and its stat is simply not there.
        let absoluteFolder = Paths.absolute(folder)
        return paths.compactMap { path in
            let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
            return InitiativeFile.current(path, absolutePath: Paths.join(absoluteFolder, name))
        }
    }

    /// Parses and cross-checks the initiative files at `paths` against the people and
    /// workflows of `configuration`, as `load` would.
    ///
    /// - Parameter claimed: ids declared by other files the caller keeps (unchanged ones),
    ///   with their paths: a file declaring one of them is a duplicate.
    /// - Throws: every problem of every file, at once.
    public static func loadInitiatives(
        _ paths: [String], for configuration: Configuration, claimed: [InitiativeID: String] = [:]
    ) throws(ConfigurationError) -> [InitiativeDefinition] {
        let log = DiagnosticLog()
        let checker = CrossChecker(
            people: configuration.people, workflows: configuration.workflows,
            knownPeople: Set(configuration.people.keys), knownWorkflows: Set(configuration.workflows.keys))
        var byID: [InitiativeID: InitiativeDraft] = [:]
        var definitions: [InitiativeDefinition] = []
        definitions.reserveCapacity(paths.count)
        for path in paths {
            let file = SourceFile(path: path, log: log)
            guard let root = YAMLSource.load(path: path, as: file, reference: .start(of: path)),
                  let draft = InitiativeParser(file: file).parse(root)
            else { continue }
            checker.check(draft)
            let id = draft.definition.id
            if let earlier = byID[id] {
                file.error("duplicate initiative id '\(id)' (first at \(earlier.file.reference(to: earlier.idNode)))", at: draft.idNode)
                continue
            }
            if let other = claimed[id], other != Paths.absolute(path) {
                file.error("duplicate initiative id '\(id)' (also declared in \(other))", at: draft.idNode)
                continue
            }
            // Keep the definition, not the draft: its nodes would hold every file's tree.
            byID[id] = InitiativeDraft(
                definition: draft.definition, file: draft.file, idNode: draft.idNode, workflowNode: draft.workflowNode,
                rolesNode: draft.rolesNode, bindings: [], touchpointOwners: [], followUpRoleNode: nil)
            definitions.append(draft.definition)
        }
        guard log.isEmpty else { throw ConfigurationError(diagnostics: log.sorted) }
        return definitions
    }
}

/// FNV-1a (64 bits) over the configuration files that decide every initiative's schedule,
/// plus the version of the rules that compute it.
enum Fingerprint {
    /// Bump when a change of cxd's own rules moves wakes or reconciliations.
    static let rules = "cxd-rules-2"

    static func of(files: [String]) -> String {
        var hash = FNV1a()
        hash.mix(rules.utf8)
        for path in files {
            // The file as the root sees it: `-c config/cxd.yaml` and `-c /srv/cx/config/cxd.yaml`
            // are the same configuration.
            hash.mix(Paths.absolute(path).utf8)
            hash.mix([0])
            if let data = FileManager.default.contents(atPath: path) { hash.mix(data) }
            hash.mix([0])
        }
        return hash.hex
    }
}
