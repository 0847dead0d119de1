import CXCore
import Foundation
import Yams

/// Loads `cxd.yaml` and every file it names, validating and cross-checking all of it.
///
/// Nothing is loaded by halves: every problem in every file is collected, and if there is any,
/// one `ConfigurationError` carries them all, sorted by file, line and column. Diagnostic paths
/// follow the rule documented on `Paths`.
public enum ConfigurationLoader {
    /// The notifier types built into cxd, for tests and tools that load the examples.
    public static let builtinNotifierTypes: [String: NotifierOptionSchema] = ["file": .init(required: ["path": .path])]

    /// Loads `configFile` (e.g. `config/cxd.yaml`) and every file it names.
    ///
    /// - Parameters:
    ///   - configFile: path of the main configuration file, relative to the current directory or absolute.
    ///   - notifierTypes: the notifier types that may appear under `notifiers:`, with their options.
    /// - Throws: every problem found, at once.
    public static func load(
        from configFile: String, notifierTypes: [String: NotifierOptionSchema]
    ) throws(ConfigurationError) -> Configuration {
        let log = DiagnosticLog()
        let mainPath = Paths.normalize(configFile)
        let mainFile = SourceFile(path: mainPath, log: log)
        guard let root = YAMLSource.load(path: mainPath, as: mainFile, reference: .start(of: mainPath)) else {
            throw ConfigurationError(diagnostics: log.sorted)
        }
        let folder = Paths.directory(of: mainPath)
        let draft = MainConfigParser(file: mainFile, folder: folder, notifierTypes: notifierTypes).parse(root)
        let zoneName = draft.timeZone?.identifier ?? "UTC"

        let people = loadPeople(draft.people, zone: zoneName, main: mainFile)
        let workflows = loadWorkflows(draft.workflows, main: mainFile)
        let initiatives = loadInitiatives(draft.initiatives, main: mainFile)

        let peopleByID = Dictionary(people.map { ($0.person.id, $0.person) }, uniquingKeysWith: { first, _ in first })
        let workflowsByID = uniqueWorkflows(workflows)
        let initiativesByID = uniqueInitiatives(initiatives)
        let checker = CrossChecker(people: peopleByID, workflows: workflowsByID)
        for initiative in initiatives { checker.check(initiative) }
        let routes = RouteChecker(file: mainFile, notifiers: draft.notifiers.map(\.name), initiatives: Array(initiativesByID.keys))
            .check(draft)

        guard log.isEmpty, let databasePath = draft.databasePath, let zone = draft.timeZone else {
            throw ConfigurationError(diagnostics: log.sorted)
        }
        return Configuration(
            file: mainPath, databasePath: databasePath, defaultTimeZone: zone, calendar: draft.calendar,
            downtimeGrace: draft.downtimeGrace, notifiers: draft.notifiers, routes: routes, people: peopleByID,
            workflows: workflowsByID.mapValues(\.workflow), initiatives: initiativesByID.mapValues(\.definition))
    }

    private static func loadFile(_ path: String, referencedBy node: Node, main: SourceFile) -> (Node, SourceFile)? {
        let file = SourceFile(path: path, log: main.log)
        guard let root = YAMLSource.load(path: path, as: file, reference: main.location(of: node)) else { return nil }
        return (root, file)
    }

    private static func loadPeople(_ ref: MainConfigDraft.PathRef?, zone: String, main: SourceFile) -> [PersonDraft] {
        guard let ref, let (root, file) = loadFile(ref.path, referencedBy: ref.node, main: main) else { return [] }
        return PeopleParser(file: file, defaultTimeZone: zone).parse(root)
    }

    /// The files of a folder named in `cxd.yaml`, reporting an unreadable folder at its key.
    private static func files(in ref: MainConfigDraft.PathRef, main: SourceFile) -> [MainConfigDraft.PathRef] {
        guard let paths = Paths.yamlFiles(in: ref.path) else {
            main.error(Paths.folderProblem(ref.path), at: ref.node)
            return []
        }
        return paths.map { MainConfigDraft.PathRef(path: $0, node: ref.node) }
    }

    private static func loadWorkflows(_ source: MainConfigDraft.WorkflowSource?, main: SourceFile) -> [WorkflowDraft] {
        let refs: [MainConfigDraft.PathRef]
        switch source {
        case nil: return []
        case .files(let files): refs = files
        case .folder(let folder):
            refs = files(in: folder, main: main)
            if refs.isEmpty, Paths.yamlFiles(in: folder.path) != nil {
                main.error("no workflow files (*.yaml, *.yml) in this folder", at: folder.node)
            }
        }
        return refs.compactMap { ref in
            loadFile(ref.path, referencedBy: ref.node, main: main).flatMap { WorkflowParser(file: $0.1).parse($0.0) }
        }
    }

    private static func loadInitiatives(_ ref: MainConfigDraft.PathRef?, main: SourceFile) -> [InitiativeDraft] {
        guard let ref else { return [] }
        return files(in: ref, main: main).compactMap { ref in
            loadFile(ref.path, referencedBy: ref.node, main: main).flatMap { InitiativeParser(file: $0.1).parse($0.0) }
        }
    }

    private static func uniqueWorkflows(_ drafts: [WorkflowDraft]) -> [WorkflowID: WorkflowDraft] {
        var byID: [WorkflowID: WorkflowDraft] = [:]
        for draft in drafts {
            if let earlier = byID[draft.workflow.id] {
                draft.file.error(
                    "duplicate workflow id '\(draft.workflow.id)' (first at \(earlier.file.reference(to: earlier.idNode)))",
                    at: draft.idNode)
            } else {
                byID[draft.workflow.id] = draft
            }
        }
        return byID
    }

    private static func uniqueInitiatives(_ drafts: [InitiativeDraft]) -> [InitiativeID: InitiativeDraft] {
        var byID: [InitiativeID: InitiativeDraft] = [:]
        for draft in drafts {
            if let earlier = byID[draft.definition.id] {
                draft.file.error(
                    "duplicate initiative id '\(draft.definition.id)' (first at \(earlier.file.reference(to: earlier.idNode)))",
                    at: draft.idNode)
            } else {
                byID[draft.definition.id] = draft
            }
        }
        return byID
    }
}
