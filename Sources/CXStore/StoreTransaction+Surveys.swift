import CXCore
import Foundation
import GRDB

/// A stored survey answer.
public struct StoredResponse: Sendable, Equatable {
    public var id: Int64
    public var round: Int
    public var respondent: String
    public var answeredAt: Date
    public var score: Int?
    public var touchpoint: String?
    public var comment: String?
    public var emotion: Emotion?

    public var response: SurveyResponse {
        SurveyResponse(respondent: respondent, score: score, touchpoint: touchpoint, emotion: emotion)
    }
}

/// A survey answer to store.
public struct NewResponse: Sendable, Equatable {
    public var respondent: String
    public var answeredAt: Date
    public var score: Int?
    public var touchpoint: String?
    public var comment: String?
    public var emotion: Emotion?

    public init(respondent: String, answeredAt: Date, score: Int?, touchpoint: String?, comment: String?, emotion: Emotion?) {
        self.respondent = respondent
        self.answeredAt = answeredAt
        self.score = score
        self.touchpoint = touchpoint
        self.comment = comment
        self.emotion = emotion
    }
}

extension StoreTransaction {
    // MARK: - Rounds

    /// Every round of an initiative, by number.
    public func rounds(of initiative: InitiativeID) throws -> [SurveyRound] {
        try String.fetchAll(
            db, cached: "SELECT round FROM surveyRound WHERE initiative = ? ORDER BY number", arguments: [initiative]
        ).map { try Self.decoder.decode(SurveyRound.self, from: Data($0.utf8)) }
    }

    /// Inserts or updates a round (by initiative and number).
    public func save(_ round: SurveyRound) throws {
        let json = String(decoding: try Self.encoder.encode(round), as: UTF8.self)
        try execute(
            sql: """
                INSERT INTO surveyRound (initiative, number, round, status) VALUES (?, ?, ?, ?)
                ON CONFLICT(initiative, number) DO UPDATE SET round = excluded.round, status = excluded.status
                """,
            arguments: [round.initiative, round.number, json, round.status.rawValue])
    }

    private func roundID(_ initiative: InitiativeID, _ number: Int) throws -> Int64? {
        try Int64.fetchOne(
            db, cached: "SELECT id FROM surveyRound WHERE initiative = ? AND number = ?", arguments: [initiative, number])
    }

    // MARK: - Responses

    /// Stages answers of an import in a temporary table of the writer connection (named by
    /// `batch`), a few thousand per short transaction, so that a large import never holds the
    /// database's write lock for its whole run. `insertStaged` then moves them in one short
    /// transaction; `dropStaged` forgets them if the import is abandoned.
    public func stage(_ responses: [NewResponse], batch: String, from sequence: Int) throws {
        try createStage()
        let statement = try db.cachedStatement(sql: """
            INSERT INTO responseStage (batch, seq, respondent, answeredAt, score, touchpoint, comment, emotion)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (offset, response) in responses.enumerated() {
            try statement.execute(arguments: [
                batch, sequence + offset, response.respondent, response.answeredAt, response.score, response.touchpoint,
                response.comment, response.emotion?.rawValue,
            ])
        }
    }

    /// Moves the staged answers of `batch` into the round (a respondent already there is
    /// skipped) and forgets the stage. Returns the answers that are new, in file order.
    public func insertStaged(batch: String, round: Int, of initiative: InitiativeID, at now: Date) throws -> [StoredResponse] {
        guard let roundID = try roundID(initiative, round) else {
            try dropStaged(batch: batch)
            return []
        }
        // A file whose rows were all refused (--skip-invalid) staged nothing.
        try createStage()
        let rows = try Row.fetchAll(
            db,
            sql: """
                INSERT INTO surveyResponse (round, respondent, answeredAt, score, touchpoint, comment, emotion, importedAt)
                SELECT ?, respondent, answeredAt, score, touchpoint, comment, emotion, ?
                FROM responseStage WHERE batch = ? ORDER BY seq
                ON CONFLICT(round, respondent) DO NOTHING
                RETURNING id, respondent, answeredAt, score, touchpoint, comment, emotion
                """,
            arguments: [roundID, now, batch])
        try dropStaged(batch: batch)
        return rows.map { row in
            StoredResponse(
                id: row["id"], round: round, respondent: row["respondent"], answeredAt: row["answeredAt"],
                score: row["score"], touchpoint: row["touchpoint"], comment: row["comment"],
                emotion: (row["emotion"] as String?).flatMap(Emotion.init(rawValue:)))
        }.sorted { $0.id < $1.id }
    }

    private func createStage() throws {
        try execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS responseStage (
              batch TEXT NOT NULL, seq INTEGER NOT NULL, respondent TEXT NOT NULL, answeredAt DATETIME NOT NULL,
              score INTEGER, touchpoint TEXT, comment TEXT, emotion TEXT)
            """)
    }

    /// Forgets the staged answers of `batch`.
    public func dropStaged(batch: String) throws {
        guard try Bool.fetchOne(db, cached: "SELECT COUNT(*) > 0 FROM temp.sqlite_master WHERE name = 'responseStage'") == true
        else { return }
        try execute(sql: "DELETE FROM responseStage WHERE batch = ?", arguments: [batch])
    }

    /// The answers of one round, in the order they were stored.
    public func responses(round: Int, of initiative: InitiativeID) throws -> [StoredResponse] {
        guard let roundID = try roundID(initiative, round) else { return [] }
        return try Row.fetchAll(db, cached: "SELECT * FROM surveyResponse WHERE round = ? ORDER BY id", arguments: [roundID])
            .map { row in
                StoredResponse(
                    id: row["id"], round: round, respondent: row["respondent"], answeredAt: row["answeredAt"],
                    score: row["score"], touchpoint: row["touchpoint"], comment: row["comment"],
                    emotion: (row["emotion"] as String?).flatMap(Emotion.init(rawValue:)))
            }
    }

    /// Respondents who answered at least `rounds` rounds of the initiative since `since`.
    public func frequentRespondents(of initiative: InitiativeID, since: Date, rounds: Int) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT r.respondent FROM surveyResponse r JOIN surveyRound s ON s.id = r.round
                WHERE s.initiative = ? AND r.answeredAt >= ?
                GROUP BY r.respondent HAVING COUNT(DISTINCT r.round) >= ? ORDER BY r.respondent
                """,
            arguments: [initiative, since, rounds])
    }

    // MARK: - Follow-ups

    public func save(_ followUp: FollowUp) throws {
        let json = String(decoding: try Self.encoder.encode(followUp), as: UTF8.self)
        try execute(
            sql: """
                INSERT INTO followUp (id, initiative, response, touchpoint, state, open) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, open = excluded.open
                """,
            arguments: [followUp.id, followUp.initiative, followUp.id, followUp.answer.touchpoint, json, followUp.isOpen])
    }

    /// Follow-ups, optionally of one initiative and only the open ones, oldest first.
    public func followUps(of initiative: InitiativeID? = nil, openOnly: Bool = false) throws -> [FollowUp] {
        var sql = "SELECT state FROM followUp WHERE 1 = 1"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let initiative {
            sql += " AND initiative = ?"
            arguments += [initiative]
        }
        if openOnly { sql += " AND open = 1" }
        sql += " ORDER BY id"
        return try String.fetchAll(db, cached: sql, arguments: arguments)
            .map { try Self.decoder.decode(FollowUp.self, from: Data($0.utf8)) }
    }

    public func followUp(_ id: Int64) throws -> FollowUp? {
        try String.fetchOne(db, cached: "SELECT state FROM followUp WHERE id = ?", arguments: [id])
            .map { try Self.decoder.decode(FollowUp.self, from: Data($0.utf8)) }
    }

    /// Audit entries of survey activity go to the same append-only log as the steps'.
    public func record(_ entry: AuditEntry, initiative: InitiativeID) throws {
        try append(entry, initiative: initiative)
    }
}
