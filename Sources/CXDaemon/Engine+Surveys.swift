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
        let scale = settings.scale
        return try await store.write { [self] tx in
            guard let record = try tx.initiative(id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
            let state = record.state
            let rounds = try tx.rounds(of: id)
            var round: SurveyRound
            if let requested {
                guard let chosen = rounds.first(where: { $0.number == requested }) else { throw SurveyError.unknownRound(id, requested) }
                round = chosen
            } else if let open = rounds.last(where: { $0.status == .open }) ?? rounds.last {
                round = open
            } else {
                let first = parsed.rows.map(\.answeredAt).min() ?? now
                round = SurveyRound(
                    number: 1, initiative: id, cycle: state.cycle, trigger: .imported, status: .closed, requestedAt: now,
                    opensAt: first, closesAt: now)
                round.closedAt = now
                round.closeReason = "imported"
                try tx.save(round)
                try tx.record(
                    AuditEntry(kind: "survey.imported_round", at: now, cycle: state.cycle, details: ["round": "1"]),
                    initiative: id)
            }
            if round.status == .delayed {
                // Answers arrived for a round the fatigue guard was holding back: it took place
                // after all, so it counts as open from now.
                round.status = .open
                round.openedAt = now
                round.closesAt = context.calendar.moving(now, by: settings.window, in: context.surveyZone(state))
                try tx.save(round)
                try tx.record(
                    AuditEntry(kind: "survey.opened_by_import", at: now, cycle: round.cycle, details: ["round": String(round.number)]),
                    initiative: id)
            }
            let added = try tx.insertStaged(batch: batch, round: round.number, of: id, at: now)
            let surveys = SurveyCoordinator(configuration: configuration, tx: tx, now: now)
            var notices: [Notice] = []
            var report = ImportReport(
                round: round.number, imported: added.count, duplicates: total - added.count + parsed.duplicates,
                skipped: parsed.errors.map(\.description), followUpsOpened: 0, roundClosed: false)
            // Follow up every detractor answer on a touchpoint; each owner is told once.
            var opened: [PersonID: [FollowUp]] = [:]
            for response in added where scale.isDetractor(response.response) && response.touchpoint != nil {
                guard let owner = followUpOwner(for: response.touchpoint, context: context, state: state) else { continue }
                let answer = FollowUpNotice(
                    id: response.id, touchpoint: response.touchpoint, respondent: response.respondent, score: response.score,
                    comment: response.comment, emotion: response.emotion)
                let followUp = FollowUp.open(
                    id: response.id, initiative: id, round: round.number, cycle: state.cycle, answer: answer, owner: owner,
                    due: settings.followUpDue, at: now, context: context)
                try tx.save(followUp)
                try tx.record(
                    AuditEntry(
                        kind: "followup.opened", at: now, step: followUp.run.stepID, cycle: state.cycle,
                        details: ["id": String(response.id), "owner": owner, "respondent": response.respondent]),
                    initiative: id)
                opened[owner, default: []].append(followUp)
                report.followUpsOpened += 1
            }
            for (owner, items) in opened.sorted(by: { $0.key < $1.key }) {
                if let notice = FollowUp.openedNotice(items, owner: owner, at: now) { notices.append(notice) }
            }
            try tx.record(
                AuditEntry(
                    kind: "survey.responses_imported", at: now, cycle: state.cycle,
                    details: ["round": String(round.number), "imported": String(report.imported),
                              "duplicates": String(report.duplicates), "skipped": String(report.skipped.count),
                              "file": (file as NSString).lastPathComponent]),
                initiative: id)
            // A quota reached closes the round.
            let answers = try tx.responses(round: round.number, of: id).map(\.response)
            let total = answers.count
            if round.status == .open, let quota = settings.quota, total >= quota {
                notices += try surveys.close(round, reason: "quota", settings: settings, state: state, context: context)
                report.roundClosed = true
            }
            // While a cadence step monitors, an open round whose metric falls below the threshold
            // closes and the next round is requested early.
            let monitoring = state.openRun.flatMap { context.workflow.step($0.stepID)?.survey } == .cadence
            if let threshold = settings.dropBelow, monitoring, round.status == .open, !report.roundClosed {
                let metric = SurveyMetrics.measure(answers, on: scale)
                if let value = metric.value, metric.n >= settings.minimumSample, value < threshold {
                    notices += try surveys.close(
                        round, reason: "metric below threshold", settings: settings, state: state, context: context)
                    let planner = SurveyPlanner(settings: settings, context: context, state: state, rounds: try tx.rounds(of: id))
                    if let early = planner.earlyRound(at: now) {
                        try tx.save(early)
                        try tx.record(
                            AuditEntry(
                                kind: "survey.threshold", at: now, cycle: state.cycle,
                                details: ["round": String(round.number), "value": String(format: "%.1f", value),
                                          "threshold": String(threshold), "next": String(early.number),
                                          "status": early.status.rawValue]),
                            initiative: id)
                        report.earlyRound = early.number
                        notices += try surveys.announce(early, settings: settings, state: state, context: context)
                    }
                }
            }
            try tx.enqueue(NotificationComposer(configuration: configuration, installation: try tx.installationID()).messages(for: notices, at: now))
            // The survey loop may act on these answers (quota, threshold): evaluate it next.
            try tx.touch(id, at: now)
            return report
        }
    }

    /// The touchpoint's owner, else the person bound to `survey.followup.owner`, else the
    /// owner of the open step.
    func followUpOwner(for touchpoint: String?, context: InitiativeContext, state: InitiativeState) -> PersonID? {
        if let owner = context.definition.touchpoints.first(where: { $0.id == touchpoint })?.owner { return owner }
        if let role = context.definition.survey?.followUpOwnerRole, let person = context.definition.roles[role] { return person }
        return state.openRun?.owner
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
