import CXCore
import Foundation
import Yams

/// Loads `cxd.yaml` and every file it names, validating and cross-checking all of it.
///
/// Nothing is loaded by halves: every problem in every file is collected, and if there is any,
/// one `ConfigurationError` carries them all, sorted by file, line and column. Diagnostic paths
/// follow the rule documented on `Paths`.
public enum ConfigurationLoader {

    /// Loads `configFile` (e.g. `config/cxd.yaml`) and every file it names.
    ///
    /// - Parameters:
    ///   - configFile: path of the main configuration file, relative to the current directory or absolute.
    ///   - notifierTypes: the notifier types that may appear under `notifiers:`, with their options.
    /// - Throws: every problem found, at once.
    ///   - initiatives: `.all` reads and cross-checks every initiative file (`cxd validate`);
    ///     `.none` reads only the main, people and workflow files and checks that the
    ///     initiatives folder is there: the engine then reads the initiative files that changed
    ///     (`initiativeFiles(of:)`, `loadInitiatives(_:for:claimed:)`) and the definitions it
    ///     stored, so a command's cost does not grow with the number of initiatives.
    ///   - checkingNotifiers: builds each notifier whose options fit their schema and reports its
    ///     problems with the others (`cxd validate`, `cxd run`); nil checks only the schema.
    public static func load(
        from configFile: String, notifierTypes: [String: NotifierOptionSchema], initiatives loading: InitiativeLoading = .all,
        checkingNotifiers check: NotifierCheck? = nil
    ) throws(ConfigurationError) -> Configuration {
        let log = DiagnosticLog()
        let mainPath = Paths.normalize(configFile)
        let mainFile = SourceFile(path: mainPath, log: log)
        guard let root = YAMLSource.load(path: mainPath, as: mainFile, reference: .start(of: mainPath)) else {
            throw ConfigurationError(diagnostics: log.sorted)
        }
        let folder = Paths.directory(of: mainPath)
        let draft = MainConfigParser(file: mainFile, folder: folder, notifierTypes: notifierTypes, check: check).parse(root)
        let zoneName = draft.timeZone?.identifier ?? "UTC"

        let people = loadPeople(draft.people, zone: zoneName, notifiers: draft.notifierNames, main: mainFile)
        let workflows = loadWorkflows(draft.workflows, main: mainFile)
        let initiatives: Loaded<InitiativeDraft>
        switch loading {
        case .all:
            initiatives = loadInitiatives(draft.initiatives, main: mainFile)
        case .none:
            if let ref = draft.initiatives, !Paths.isFolder(ref.path) {
                mainFile.error(Paths.folderProblem(ref.path), at: ref.node)
            }
            initiatives = Loaded(complete: false)
        }

        let peopleByID = Dictionary(people.drafts.map { ($0.person.id, $0.person) }, uniquingKeysWith: { first, _ in first })
        let workflowsByID = uniqueWorkflows(workflows.drafts)
        let initiativesByID = uniqueInitiatives(initiatives.drafts)
        let checker = CrossChecker(
            people: peopleByID, workflows: workflowsByID.mapValues(\.workflow),
            knownPeople: people.complete ? Set(peopleByID.keys).union(people.brokenIDs) : nil,
            knownWorkflows: workflows.complete ? Set(workflowsByID.keys).union(workflows.brokenIDs) : nil)
        for initiative in initiatives.drafts { checker.check(initiative) }
        let routes = RouteChecker(
            file: mainFile, notifiers: draft.notifierNames,
            initiatives: initiatives.complete ? Set(initiativesByID.keys).union(initiatives.brokenIDs) : nil
        ).check(draft)

        guard log.isEmpty, let databasePath = draft.databasePath, let zone = draft.timeZone else {
            throw ConfigurationError(diagnostics: log.sorted)
        }
        for (person, node) in draft.operators?.people ?? [] where people.complete && peopleByID[person] == nil {
            mainFile.error(DidYouMean.unknown("person", person, among: peopleByID.keys.sorted()), at: node)
        }
        for (person, node) in draft.tokenPeople where people.complete && peopleByID[person] == nil {
            mainFile.error(
                DidYouMean.unknown("person", person, among: peopleByID.keys.sorted()) + " (http.tokens names a person or admin)", at: node)
        }
        guard log.isEmpty else { throw ConfigurationError(diagnostics: log.sorted) }
        var configuration = Configuration(
            file: mainPath, databasePath: databasePath, defaultTimeZone: zone, calendar: draft.calendar,
            downtimeGrace: draft.downtimeGrace, notifiers: draft.notifiers, routes: routes, people: peopleByID,
            workflows: workflowsByID.mapValues(\.workflow), initiatives: initiativesByID.mapValues(\.definition))
        configuration.database = draft.database ?? .sqlite(path: databasePath)
        configuration.delivery = draft.delivery
        configuration.cluster = draft.cluster
        configuration.http = draft.http
        configuration.initiativesFolder = draft.initiatives?.path
        configuration.initiativesLoaded = loading == .all
        configuration.fingerprint = Fingerprint.of(
            files: [mainPath] + (draft.people.map { [$0.path] } ?? []) + workflows.paths)
        configuration.operators = Operators(
            people: draft.operators?.people.map(\.0) ?? [], notifiers: draft.operators?.notifiers.map(\.0) ?? [])
        return configuration
    }

    private static func loadFile(_ path: String, referencedBy node: Node, main: SourceFile) -> (Node, SourceFile)? {
        let file = SourceFile(path: path, log: main.log)
        guard let root = YAMLSource.load(path: path, as: file, reference: main.location(of: node)) else { return nil }
        return (root, file)
    }

    private static func loadPeople(
        _ ref: MainConfigDraft.PathRef?, zone: String, notifiers: [String], main: SourceFile
    ) -> PeopleResult {
        guard let ref, let (root, file) = loadFile(ref.path, referencedBy: ref.node, main: main) else { return PeopleResult() }
        return PeopleParser(file: file, defaultTimeZone: zone, notifierNames: notifiers).parse(root)
    }

    /// The files of one kind that parsed (without a problem, unless faulty ones are accepted), the ids of those that did not, and
    /// whether every file could at least be identified.
    struct Loaded<Draft> {
        var drafts: [Draft] = []
        /// Every file read, in order.
        var paths: [String] = []
        var brokenIDs: Set<String> = []
        var complete = true
    }

    private static func loadAll<Draft>(
        _ refs: [MainConfigDraft.PathRef], main: SourceFile, acceptFaulty: Bool = false,
        parse: (Node, SourceFile) -> Draft?
    ) -> Loaded<Draft> {
        var loaded = Loaded<Draft>()
        for ref in refs {
            loaded.paths.append(ref.path)
            guard let (root, file) = loadFile(ref.path, referencedBy: ref.node, main: main) else {
                loaded.complete = false
                continue
            }
            let before = main.log.count
            if let draft = parse(root, file), acceptFaulty || main.log.count == before {
                loaded.drafts.append(draft)
            } else if let id = MappingReader.declaredID(root) {
                loaded.brokenIDs.insert(id)
            } else {
                loaded.complete = false
            }
        }
        return loaded
    }

    /// The files of a folder named in `cxd.yaml`, reporting an unreadable folder at its key.
    private static func files(in ref: MainConfigDraft.PathRef, main: SourceFile) -> [MainConfigDraft.PathRef] {
        guard let paths = Paths.yamlFiles(in: ref.path) else {
            main.error(Paths.folderProblem(ref.path), at: ref.node)
            return []
        }
        return paths.map { MainConfigDraft.PathRef(path: $0, node: ref.node) }
    }

    private static func loadWorkflows(_ source: MainConfigDraft.WorkflowSource?, main: SourceFile) -> Loaded<WorkflowDraft> {
        let refs: [MainConfigDraft.PathRef]
        switch source {
        case nil: return Loaded(complete: false)
        case .files(let files): refs = files
        case .folder(let folder):
            refs = files(in: folder, main: main)
            if refs.isEmpty, Paths.yamlFiles(in: folder.path) != nil {
                main.error("no workflow files (*.yaml, *.yml) in this folder", at: folder.node)
            }
        }
        let folderUnreadable: Bool
        if case .folder(let folder) = source { folderUnreadable = Paths.yamlFiles(in: folder.path) == nil } else { folderUnreadable = false }
        var loaded = loadAll(refs, main: main) { WorkflowParser(file: $1).parse($0) }
        if folderUnreadable { loaded.complete = false }
        return loaded
    }

    private static func loadInitiatives(_ ref: MainConfigDraft.PathRef?, main: SourceFile) -> Loaded<InitiativeDraft> {
        guard let ref else { return Loaded(complete: false) }
        // An initiative with problems of its own is still cross-checked against workflows and people.
        var loaded = loadAll(files(in: ref, main: main), main: main, acceptFaulty: true) {
            InitiativeParser(file: $1).parse($0)
        }
        if Paths.yamlFiles(in: ref.path) == nil { loaded.complete = false }
        return loaded
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
