import CXConfig
import CXCore
import CXStore
import CXSurveys
import Foundation

/// What `cxd survey import` did.
public struct ImportReport: Codable, Sendable {
    public var round: Int
    public var imported: Int
    /// Already in the round (a re-import) or twice in the file.
    public var duplicates: Int
    /// Rows refused (only with `--skip-invalid`; otherwise nothing is written).
    public var skipped: [String]
    public var followUpsOpened: Int
    public var roundClosed: Bool
    public var earlyRound: Int?
}

/// The rows of a file that cannot be imported, with their lines.
public struct ImportError: Error, CustomStringConvertible {
    public var file: String
    public var errors: [RowError]

    public var description: String {
        errors.map { "\(file):\($0.line): \($0.message)" }.joined(separator: "\n")
            + "\n\(errors.count) bad row(s); nothing was imported (use --skip-invalid to import the good ones)"
    }
}

public enum SurveyError: Error, CustomStringConvertible, Equatable {
    case noSurvey(InitiativeID)
    case unknownRound(InitiativeID, Int)

    public var description: String {
        switch self {
        case .noSurvey(let id): return "initiative '\(id)' has no survey (give goal.metric or a survey: section)"
        case .unknownRound(let id, let number): return "initiative '\(id)' has no survey round \(number)"
        }
    }
}

extension Engine {
    /// Imports survey answers. With no `round`: into the open round, else the latest one, else
    /// a new ad-hoc round (baseline data). All or nothing unless `skipInvalid`; a respondent
    /// already in the round is ignored, so importing a file twice changes nothing.
    public func importResponses(
        _ text: String, file: String, initiative id: InitiativeID, round requested: Int? = nil, skipInvalid: Bool = false,
        at now: Date, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportReport {
        let configuration = try await withDefinitions(of: [id])
        guard let context = configuration.context(for: id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
        guard let settings = context.definition.survey else { throw SurveyError.noSurvey(id) }
        let scale = settings.scale
        let parsed = ResponseFile.parse(
            text, format: ResponseFile.Format(path: file), validateScore: { scale.validate($0).reason },
            touchpoints: Set(context.definition.touchpoints.map(\.id)), zone: context.zone)
        if !parsed.errors.isEmpty && !skipInvalid { throw ImportError(file: file, errors: parsed.errors) }
        let knownIDs = knownIDs
        // Stage the rows in short transactions first; the import itself is then one short
        // transaction, so the daemon and other commands are never held back for long.
        let batch = UUID().uuidString
        let rows = parsed.rows.map { row in
            NewResponse(
                respondent: row.respondent, answeredAt: row.answeredAt, score: row.score, touchpoint: row.touchpoint,
                comment: row.comment, emotion: row.emotion.flatMap(Emotion.init(rawValue:)))
        }
        let stageSize = 5000
        do {
            for start in stride(from: 0, to: rows.count, by: stageSize) {
                let chunk = Array(rows[start..<min(start + stageSize, rows.count)])
                try await store.write { tx in try tx.stage(chunk, batch: batch, from: start) }
                progress(start + chunk.count, rows.count)
            }
        } catch {
            try? await store.write { tx in try tx.dropStaged(batch: batch) }
            throw error
        }
        let total = rows.count
        do {
            // The import's notices are routed with this initiative's labels: its definition in hand.
            return try await Engine(configuration: configuration, store: store).importStaged(
                batch: batch, total: total, parsed: parsed, file: file, initiative: id, round: requested,
                context: context, settings: settings, knownIDs: knownIDs, at: now)
        } catch {
            try? await store.write { tx in try tx.dropStaged(batch: batch) }
            throw error
        }
    }

    /// The short transaction of an import: picks the round, moves the staged answers in, opens
    /// follow-ups and closes the round on quota or threshold.
    private func importStaged(
        batch: String, total: Int, parsed: ResponseFile.Result, file: String, initiative id: InitiativeID, round requested: Int?,
        context: InitiativeContext, settings: SurveySettings, knownIDs: [InitiativeID], at now: Date
    ) async throws -> ImportReport {
        return try await store.write { [self] tx in
            guard let record = try tx.initiative(id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
            let state = record.state
            let surveys = SurveyCoordinator(configuration: configuration, tx: tx, now: now)
            guard var machine = try surveys.machine(state, context: context) else { throw SurveyError.noSurvey(id) }
            let (round, chosen) = try machine.roundForAnswers(
                requested: requested, answered: Self.span(parsed.rows.map(\.answeredAt)), at: now)
            var notices = try surveys.store(chosen, initiative: id)
            let added = try tx.insertStaged(batch: batch, round: round.number, of: id, at: now)
            machine.add(ResponseTally(added.map(\.response)), to: round.number)
            var report = ImportReport(
                round: round.number, imported: added.count, duplicates: total - added.count + parsed.duplicates,
                skipped: parsed.errors.map(\.description), followUpsOpened: 0, roundClosed: false)
            let followUps = machine.openFollowUps(
                for: added.map { SurveyMachine.Answer(id: $0.id, response: $0.response, comment: $0.comment) },
                round: round.number, at: now)
            report.followUpsOpened = followUps.count { if case .openFollowUp = $0 { true } else { false } }
            notices += try surveys.store(followUps, initiative: id)
            try tx.record(
                AuditEntry(
                    kind: "survey.responses_imported", at: now, cycle: state.cycle,
                    details: ["round": String(round.number), "imported": String(report.imported),
                              "duplicates": String(report.duplicates), "skipped": String(report.skipped.count),
                              "file": (file as NSString).lastPathComponent]),
                initiative: id)
            let arrived = machine.handle(.answersArrived(round: round.number, added: added.count), at: now)
            for case .save(let saved) in arrived {
                if saved.number == round.number, saved.status == .closed { report.roundClosed = true }
                if saved.number != round.number { report.earlyRound = saved.number }
            }
            notices += try surveys.store(arrived, initiative: id)
            try tx.enqueue(NotificationComposer(configuration: configuration, installation: try tx.installationID()).messages(for: notices, at: now))
            // The survey loop may act on these answers: evaluate it next.
            try tx.touch(id, at: now)
            return report
        }
    }

    /// The earliest to the latest of `dates`; nil when there are none.
    static func span(_ dates: [Date]) -> ClosedRange<Date>? {
        guard let first = dates.min(), let last = dates.max() else { return nil }
        return first...last
    }

    /// Closes a follow-up with a note.
    public func closeFollowUp(_ id: Int64, by actor: String, note: String?, at now: Date) async throws -> FollowUp {
        try await store.write { tx in
            guard var followUp = try tx.followUp(id) else { throw EngineError.unknownFollowUp(id) }
            guard followUp.isOpen else { throw EngineError.followUpClosed(id) }
            followUp.closedAt = now
            followUp.closedBy = actor
            followUp.note = note
            try tx.save(followUp)
            var details = ["id": String(id)]
            if let note { details["note"] = note }
            try tx.record(
                AuditEntry(kind: "followup.closed", at: now, actor: actor, step: followUp.run.stepID, cycle: followUp.run.cycle,
                           details: details),
                initiative: followUp.initiative)
            try tx.touch(followUp.initiative, at: now)
            return followUp
        }
    }

    public func followUps(of initiative: InitiativeID?, openOnly: Bool) async throws -> [FollowUp] {
        try await store.read { tx in try tx.followUps(of: initiative, openOnly: openOnly) }
    }
}
