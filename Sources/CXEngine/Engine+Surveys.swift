import CXConfig
import CXCore
import CXStore
import CXSurveys
import Foundation

/// What `cxd survey import` did.
public struct ImportReport: Codable, Sendable {
    public var round: Int
    public var imported: Int
    /// Of those, answers whose score was left blank ("seen, not answered").
    public var unanswered: Int
    /// Already in the round (a re-import), or repeated in the file with the same answer.
    public var duplicates: Int
    /// Rows refused (only with `--skip-invalid`; otherwise nothing is written), as
    /// `line N: reason`: the first `ImportReport.listLimit` of `skippedCount`.
    public var skipped: [String]
    public var skippedCount: Int
    /// Respondents the round already held from an earlier import, with another answer there
    /// (the stored one is kept), as `line N: …`: the first `listLimit` of `changedCount`.
    public var changed: [String]
    public var changedCount: Int
    public var followUpsOpened: Int
    public var roundClosed: Bool
    public var earlyRound: Int?
    /// How long the import held the database's write lock (the daemon waits meanwhile).
    public var writeSeconds: Double

    /// Rows listed in a report or an error: the rest are counted, so that a file of a million
    /// bad rows costs no more memory than a file of a hundred.
    public static let listLimit = 1000
}

/// Where an import is: checking the file (nothing written yet), then importing it inside one
/// write transaction. Bytes of the file read so far in this pass.
public struct ImportProgress: Sendable {
    public enum Phase: String, Sendable {
        case checking, importing
    }

    public var phase: Phase
    public var bytes: Int
    public var totalBytes: Int?
}

/// The rows of a file that cannot be imported, with their lines; nothing was written.
public struct ImportError: Error, CustomStringConvertible {
    public var file: String
    /// The first `ImportReport.listLimit` bad rows.
    public var errors: [RowError]
    /// Every bad row, listed or not.
    public var count: Int
    /// The file holds no answer at all (only a header, or only bad rows skipped).
    public var noAnswers = false

    public init(file: String, errors: [RowError], count: Int? = nil, noAnswers: Bool = false) {
        self.file = file
        self.errors = errors
        self.count = count ?? errors.count
        self.noAnswers = noAnswers
    }

    public var description: String {
        var lines = errors.map { "\(file):\($0.line): \($0.message)" }
        if count > errors.count { lines.append("… and \(count - errors.count) more bad row(s)") }
        if noAnswers {
            lines.append("\(file):1: no answers to import (expected rows of respondent,timestamp,score after the header, "
                + "or JSON objects, one per line); nothing was imported")
        } else {
            lines.append("\(count) bad row(s); nothing was imported (use --skip-invalid to import the good ones)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The file changed between the check and the import: nothing was imported.
public struct ImportFileChanged: Error, CustomStringConvertible {
    public var file: String
    public var description: String { "\(file) changed while it was being imported; nothing was imported (import it again)" }
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
    /// Imports survey answers from text (tests, small inputs); see `importResponses(from:…)`.
    public func importResponses(
        _ text: String, file: String, initiative id: InitiativeID, round requested: Int? = nil, skipInvalid: Bool = false,
        at now: Date, progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }
    ) async throws -> ImportReport {
        try await importResponses(
            from: .text(text), file: file, initiative: id, round: requested, skipInvalid: skipInvalid, at: now,
            progress: progress)
    }

    /// Imports survey answers into the round `SurveyMachine.roundForAnswers` chooses. All or nothing unless `skipInvalid`; a respondent
    /// already in the round is ignored, so importing a file twice changes nothing.
    ///
    /// The file is read twice as a stream of bytes, never held whole: first to check every
    /// row (nothing is written, no lock is taken: a file refused for its last row costs one
    /// read), then inside one write transaction that inserts the rows with one prepared
    /// statement, opens the follow-ups and keeps the round's tally. A respondent repeated in
    /// the file with another answer is found by the unique (round, respondent) key and the
    /// line each stored answer keeps; the transaction is rolled back if it is refused.
    public func importResponses(
        from source: ResponseSource, file: String, initiative id: InitiativeID, round requested: Int? = nil,
        skipInvalid: Bool = false, at now: Date, progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }
    ) async throws -> ImportReport {
        let configuration = try await withDefinitions(of: [id])
        guard let context = configuration.context(for: id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
        guard let settings = context.definition.survey else { throw SurveyError.noSurvey(id) }
        let reading = ResponseReading(
            source: source, format: ResponseFile.Format(path: file), scale: settings.scale,
            touchpoints: Set(context.definition.touchpoints.map(\.id)), zone: context.zone, size: source.size)
        var problems: [RowError] = []
        let checked = try reading.read(phase: .checking, progress: progress, row: { _ in }, problem: { error in
            if problems.count < ImportReport.listLimit { problems.append(error) }
        })
        if checked.errors > 0 && !skipInvalid { throw ImportError(file: file, errors: problems, count: checked.errors) }
        guard checked.rows > 0 else { throw ImportError(file: file, errors: problems, count: checked.errors, noAnswers: true) }
        let knownIDs = knownIDs
        // The import's notices are routed with this initiative's labels: its definition in hand.
        let engine = Engine(configuration: configuration, store: store)
        let clock = ContinuousClock()
        let (report, start) = try await engine.importChecked(
            reading, checked: checked, problems: problems, file: file, initiative: id, round: requested,
            skipInvalid: skipInvalid, context: context, settings: settings, knownIDs: knownIDs, at: now, clock: clock,
            progress: progress)
        var final = report
        final.writeSeconds = (clock.now - start).timeInterval
        return final
    }

    /// The write transaction of an import: picks the round, inserts the answers, opens
    /// follow-ups and closes the round on quota or threshold. Returns the report and when the
    /// transaction began.
    private func importChecked(
        _ reading: ResponseReading, checked: ResponseFile.Summary, problems: [RowError], file: String,
        initiative id: InitiativeID, round requested: Int?, skipInvalid: Bool, context: InitiativeContext,
        settings: SurveySettings, knownIDs: [InitiativeID], at now: Date, clock: ContinuousClock,
        progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws -> (ImportReport, ContinuousClock.Instant) {
        return try await store.write { [self] tx in
            let start = clock.now
            guard let record = try tx.initiative(id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
            let state = record.state
            let surveys = SurveyCoordinator(configuration: configuration, tx: tx, now: now)
            guard var machine = try surveys.machine(state, context: context) else { throw SurveyError.noSurvey(id) }
            let (round, chosen) = try machine.roundForAnswers(requested: requested, answered: checked.answered, at: now)
            let chooser = machine
            var notices = try surveys.store(chosen, initiative: id)
            var report = ImportReport(
                round: round.number, imported: 0, unanswered: 0, duplicates: 0,
                skipped: problems.map(\.description), skippedCount: checked.errors, changed: [], changedCount: 0,
                followUpsOpened: 0, roundClosed: false, writeSeconds: 0)
            var refused: [RowError] = []
            var refusedCount = 0
            var followUps = FollowUpBatch(initiative: id, round: round.number, cycle: state.cycle, settings: settings, at: now)
            let importID = UUID().uuidString
            let seen = try tx.insertResponses(round: round.number, of: id, importID: importID, at: now) { inserter in
                try reading.read(phase: .importing, progress: progress, row: { row in
                    let answer = NewResponse(
                        respondent: row.respondent, answeredAt: row.answeredAt, score: row.score, touchpoint: row.touchpoint,
                        comment: row.comment, emotion: row.emotion)
                    switch try inserter.insert(answer, line: row.line) {
                    case .inserted(let responseID):
                        report.imported += 1
                        if row.score == nil { report.unanswered += 1 }
                        // The machine decides whether it calls for a follow-up and who owns it;
                        // each owner is told once per import.
                        try followUps.open(responseID, answer: answer, machine: chooser, tx: tx)
                    case .present(let present):
                        let difference = Self.difference(between: present.answer, and: answer)
                        if difference == nil {
                            report.duplicates += 1
                        } else if let earlier = present.lineInThisImport {
                            refusedCount += 1
                            if refused.count < ImportReport.listLimit {
                                refused.append(RowError(
                                    line: row.line,
                                    message: "respondent '\(row.respondent)' already answered on line \(earlier) of this file, "
                                        + "differently (\(difference!)); expected one answer per respondent and round "
                                        + "(line \(earlier) is kept)"))
                            }
                        } else {
                            report.duplicates += 1
                            report.changedCount += 1
                            if report.changed.count < ImportReport.listLimit {
                                report.changed.append(
                                    "line \(row.line): respondent '\(row.respondent)' is already in round \(round.number) from an "
                                        + "earlier import with another answer (\(difference!)); the stored answer is kept")
                            }
                        }
                    }
                }, problem: { _ in })
            }
            // The check and the import must have read the same file.
            guard seen == checked else { throw ImportFileChanged(file: file) }
            if refusedCount > 0 {
                guard skipInvalid else { throw ImportError(file: file, errors: refused, count: refusedCount) }
                let listed = (problems + refused).sorted { $0.line < $1.line }.prefix(ImportReport.listLimit)
                report.skipped = listed.map(\.description)
                report.skippedCount += refusedCount
            }
            report.followUpsOpened = followUps.opened
            notices += followUps.notices()
            var details = [
                "round": String(round.number), "imported": String(report.imported), "duplicates": String(report.duplicates),
                "skipped": String(report.skippedCount), "file": (file as NSString).lastPathComponent,
            ]
            if report.unanswered > 0 { details["unanswered"] = String(report.unanswered) }
            if report.changedCount > 0 { details["changed"] = String(report.changedCount) }
            try tx.record(AuditEntry(kind: "survey.responses_imported", at: now, cycle: state.cycle, details: details), initiative: id)
            // What the answers mean for the round (quota, threshold, late answers), decided
            // on its tally as it now stands.
            guard var after = try surveys.machine(state, context: context) else { throw SurveyError.noSurvey(id) }
            let arrived = after.handle(.answersArrived(round: round.number, added: report.imported), at: now)
            for case .save(let saved) in arrived {
                if saved.number == round.number, saved.status == .closed { report.roundClosed = true }
                if saved.number != round.number { report.earlyRound = saved.number }
            }
            notices += try surveys.store(arrived, initiative: id)
            try tx.enqueue(try Self.composer(configuration, tx).messages(for: notices, at: now))
            // The survey loop may act on these answers (quota, threshold): evaluate it next.
            try tx.touch(id, at: now)
            return (report, start)
        }
    }

    /// How `new` differs from the stored answer `old`, for a report; nil when it says the same.
    static func difference(between old: NewResponse, and new: NewResponse) -> String? {
        guard !old.isSameAnswer(as: new) else { return nil }
        func show(_ value: String?) -> String { value.map { "'\($0)'" } ?? "none" }
        var parts: [String] = []
        if old.score != new.score {
            parts.append("score \(old.score.map(String.init) ?? "blank") there, \(new.score.map(String.init) ?? "blank") here")
        }
        if old.touchpoint != new.touchpoint { parts.append("touchpoint \(show(old.touchpoint)) there, \(show(new.touchpoint)) here") }
        if old.emotion != new.emotion {
            parts.append("emotion \(show(old.emotion?.rawValue)) there, \(show(new.emotion?.rawValue)) here")
        }
        if old.comment != new.comment { parts.append("another comment") }
        if parts.isEmpty { parts.append("another timestamp") }
        return parts.joined(separator: ", ")
    }

    /// Closes a follow-up with a note.
    public func closeFollowUp(_ id: Int64, by actor: String, note: String?, at now: Date) async throws -> FollowUp {
        try await store.write { tx in
            guard var followUp = try tx.followUp(id) else { throw EngineError.unknownFollowUp(id) }
            guard followUp.isOpen else { throw EngineError.followUpClosed(id) }
            followUp.closedAt = now
            followUp.closedBy = actor
            followUp.note = note
            try tx.save(followUp, nextWake: nil)
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
