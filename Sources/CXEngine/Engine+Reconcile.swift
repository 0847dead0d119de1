import CXConfig
import CXCore
import CXStore
import Foundation

/// Bringing the store in line with the YAML, at a cost that grows with what changed.
///
/// The store indexes every initiative file it read (path, size, modification time, and the
/// definition read from it) and the fingerprint of the main, people and workflow files. A
/// reconcile lists the initiatives folder, reads again only the files that are new or whose
/// size or modification time changed, and archives the initiatives whose file is gone. When
/// the fingerprint changed (a calendar, a workflow, a person), every file is read again and
/// every initiative made due, since any of them may follow differently.
///
/// A configuration built in memory with its initiatives (`initiativesLoaded`, as in tests) is
/// taken whole, as before: every initiative it holds is reconciled, every other archived.
extension Engine {
    /// The setting that holds the fingerprint of the configuration last reconciled.
    static let fingerprintSetting = "configuration.fingerprint"

    /// What the YAML says now, against what the store indexed.
    struct SourceChanges: Sendable {
        /// Definitions read now, each with the file it came from.
        var definitions: [(InitiativeDefinition, InitiativeSourceRecord)] = []
        /// Initiatives no file declares any more.
        var removed: [InitiativeID] = []
        /// Every initiative is reconciled and made due (the fingerprint changed).
        var everything = false
    }

    /// Brings the store in line with the YAML: new initiatives are registered, changed ones
    /// reconciled (a new role binding reassigns the open step), removed ones archived. All or
    /// nothing: every change is computed first, and if one initiative cannot follow (or one
    /// changed file is invalid), nothing is written. The changes are then written in short
    /// chunks.
    @discardableResult
    public func reconcile(at now: Date) async throws -> Report {
        let changes = try await configuration.initiativesLoaded ? loadedChanges() : fileChanges()
        return try await apply(changes, at: now)
    }

    /// Reconciles `id` alone when its file is indexed and still declares it (the commands that
    /// act on one initiative), else everything. A file unchanged since it was indexed is not
    /// even read.
    public func reconcile(_ id: InitiativeID, at now: Date) async throws {
        guard !configuration.initiativesLoaded else {
            try await reconcile(at: now)
            return
        }
        let fingerprint = configuration.fingerprint
        let (source, stored) = try await store.read { tx in
            (try tx.initiativeSource(of: id), try tx.setting(Self.fingerprintSetting))
        }
        guard let source, let file = InitiativeFile.current(source.path) else {
            try await reconcile(at: now)
            return
        }
        if stored == fingerprint, file.size == source.size, file.modified == source.modified { return }
        let definitions = try ConfigurationLoader.loadInitiatives([file.path], for: configuration)
        guard let definition = definitions.first, definition.id == id else {
            // The file now declares another initiative: the whole folder decides.
            try await reconcile(at: now)
            return
        }
        var changes = SourceChanges()
        changes.definitions = [(definition, InitiativeSourceRecord(initiative: id, path: file.absolutePath, size: file.size, modified: file.modified))]
        _ = try await apply(changes, at: now, storeFingerprint: false)
    }

    /// The changes of a configuration that holds all its initiatives in memory.
    private func loadedChanges() async throws -> SourceChanges {
        var changes = SourceChanges(everything: true)
        for (id, definition) in configuration.initiatives.sorted(by: { $0.key < $1.key }) {
            let file = InitiativeFile.current(definition.sourcePath)
            let source = InitiativeSourceRecord(
                initiative: id, path: file?.absolutePath ?? "memory:\(id)", size: file?.size ?? 0, modified: file?.modified ?? 0)
            changes.definitions.append((definition, source))
        }
        let kept = Set(configuration.initiatives.keys)
        changes.removed = try await store.read { tx in try tx.initiativeIDs(archived: false) }.filter { !kept.contains($0) }
        return changes
    }

    /// The changes of the initiatives folder since the store last indexed it.
    private func fileChanges() async throws -> SourceChanges {
        let files = try ConfigurationLoader.initiativeFiles(of: configuration)
        let (sources, stored, ids) = try await store.read { tx in
            (try tx.initiativeSources(), try tx.setting(Self.fingerprintSetting), try tx.initiativeIDs(archived: false))
        }
        var changes = SourceChanges(everything: stored != configuration.fingerprint || configuration.fingerprint.isEmpty)
        let indexed = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var changed: [InitiativeFile] = []
        var present = Set<String>()
        present.reserveCapacity(files.count)
        for file in files {
            present.insert(file.absolutePath)
            let known = indexed[file.absolutePath]
            if changes.everything || known?.size != file.size || known?.modified != file.modified {
                changed.append(file)
            }
        }
        let rereading = Set(changed.map(\.absolutePath))
        var claimed: [InitiativeID: String] = [:]
        for source in sources where present.contains(source.path) && !rereading.contains(source.path) {
            claimed[source.initiative] = source.path
        }
        let definitions = try ConfigurationLoader.loadInitiatives(changed.map(\.path), for: configuration, claimed: claimed)
        let byPath = Dictionary(changed.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var declared = Set(claimed.keys)
        for definition in definitions {
            guard let file = byPath[definition.sourcePath] else { continue }
            declared.insert(definition.id)
            changes.definitions.append((definition, InitiativeSourceRecord(
                initiative: definition.id, path: file.absolutePath, size: file.size, modified: file.modified)))
        }
        // Whatever the store runs that no file declares any more is archived.
        changes.removed = ids.filter { !declared.contains($0) }
        return changes
    }

    /// Computes every change on a snapshot, then writes them in chunks.
    private func apply(_ sources: SourceChanges, at now: Date, storeFingerprint: Bool = true) async throws -> Report {
        let configuration = configuration
        let planned: [PlannedSource] = try await store.read { tx in
            var planned: [PlannedSource] = []
            planned.reserveCapacity(sources.definitions.count + sources.removed.count)
            for (definition, source) in sources.definitions {
                let stored: InitiativeRecord?
                do {
                    stored = try tx.initiative(definition.id)
                } catch {
                    // A state that cannot be read is left alone (the evaluation records why and
                    // tells the operators); its definition is still indexed.
                    planned.append(PlannedSource(id: definition.id, change: nil, index: (definition, source)))
                    continue
                }
                let change = try Self.reconciliation(of: definition, stored: stored, configuration: configuration, at: now)
                planned.append(PlannedSource(id: definition.id, change: change, index: (definition, source)))
            }
            for id in sources.removed {
                guard let record = try? tx.initiative(id), record.state.phase != .archived else {
                    planned.append(PlannedSource(id: id, change: nil, index: nil))
                    continue
                }
                var machine = InitiativeMachine(state: record.state)
                let effects = try Self.archive(&machine, configuration: configuration, at: now)
                planned.append(PlannedSource(
                    id: id,
                    change: Change(state: machine.state, title: record.title, workflow: record.workflow, effects: effects,
                                   basedOn: record.updatedAt),
                    index: nil))
            }
            return planned
        }
        var report = Report()
        let fingerprint = configuration.fingerprint
        var start = 0
        repeat {
            let chunk = Array(planned[start..<min(start + Self.chunkSize, planned.count)])
            let last = start + Self.chunkSize >= planned.count
            let queued = try await store.write { tx in
                var notices: [Notice] = []
                var scoped = configuration
                for item in chunk {
                    if let (definition, _) = item.index { scoped.initiatives[definition.id] = definition }
                    if var change = item.change {
                        // A command may have moved this initiative since the snapshot: compute
                        // again from what is stored now rather than overwrite it.
                        let current = try tx.initiative(item.id)
                        if current?.updatedAt != change.basedOn {
                            if let (definition, _) = item.index {
                                guard let fresh = try Self.reconciliation(of: definition, stored: current, configuration: scoped, at: now)
                                else { continue }
                                change = fresh
                            } else if current?.state.phase == .archived {
                                continue
                            }
                        }
                        try tx.save(
                            change.state, title: change.title, workflow: change.workflow, effects: change.effects, at: now,
                            summary: change.summary)
                        notices += change.effects.notices
                    }
                    if let (definition, source) = item.index {
                        try tx.index(definition, from: source)
                    } else {
                        try tx.unindex(item.id)
                    }
                }
                let queued = try tx.enqueue(
                    try Self.composer(scoped, tx).messages(for: notices, at: now))
                if last, sources.everything, storeFingerprint {
                    // Calendars, workflows or people may have changed: every wake is computed again.
                    try tx.touchAll(at: now)
                    try tx.setSetting(Self.fingerprintSetting, to: fingerprint)
                }
                return queued
            }
            report.transitions += chunk.filter { $0.change != nil }.count
            report.queued += queued
            start += Self.chunkSize
        } while start < planned.count
        return report
    }

    /// One initiative's part of a reconcile.
    struct PlannedSource: Sendable {
        var id: InitiativeID
        var change: Change?
        /// The definition to index with its file; nil: the initiative's file is gone.
        var index: (InitiativeDefinition, InitiativeSourceRecord)?
    }

    /// What `definition` asks of the stored initiative, or nil when the store already agrees.
    static func reconciliation(
        of definition: InitiativeDefinition, stored: InitiativeRecord?, configuration: Configuration, at now: Date
    ) throws -> Change? {
        var scoped = configuration
        scoped.initiatives[definition.id] = definition
        guard let context = scoped.context(for: definition.id) else { return nil }
        return try reconciliation(of: stored, id: definition.id, context: context, at: now)
    }

    /// Adds to `configuration` the stored definitions of `ids` it does not hold (a
    /// configuration that holds all its initiatives is left as it is: one it lacks is gone).
    ///
    /// - Parameter documents: false when the caller never checks `requires:` (the scheduler):
    ///   the documents, most of the decoding, are left out then.
    static func load(
        _ ids: [InitiativeID], into configuration: inout Configuration, tx: StoreTransaction, documents: Bool = true
    ) throws {
        guard !configuration.initiativesLoaded else { return }
        for id in ids where configuration.initiatives[id] == nil {
            if let definition = try tx.definition(of: id, document: documents) { configuration.initiatives[id] = definition }
        }
    }

    /// The configuration with the stored definitions of `ids`, for the commands on one
    /// initiative.
    public func withDefinitions(of ids: [InitiativeID]) async throws -> Configuration {
        // Nothing to read when every definition is at hand: all of them, or those of an engine
        // already scoped to these initiatives (a page that asks for several reports of one).
        let held = configuration.initiatives
        guard !configuration.initiativesLoaded, ids.contains(where: { held[$0] == nil }) else { return configuration }
        let configuration = configuration
        return try await store.read { tx in
            var scoped = configuration
            try Self.load(ids, into: &scoped, tx: tx)
            return scoped
        }
    }

    /// What `cxd status` shows of `state`, stored with it.
    static func summary(of state: InitiativeState, context: InitiativeContext?) -> InitiativeSummary {
        let run = state.openRun
        let locale = run.flatMap { context?.people[$0.owner]?.locale } ?? "en"
        var nextReminder: Date?
        if state.phase == .active, let run, let context, let step = context.workflow.step(run.stepID) {
            nextReminder = ReminderSchedule(run: run, policy: step.reminders, context: context).upcoming.first?.deliverAt
        }
        return InitiativeSummary(
            openStep: run?.stepID, stepTitle: run.flatMap { context?.workflow.step($0.stepID)?.title.text(for: locale) },
            owner: run?.owner, dueAt: run?.dueAt, nextReminderAt: nextReminder,
            startsAt: state.phase == .pending ? context?.startInstant : nil)
    }
}
