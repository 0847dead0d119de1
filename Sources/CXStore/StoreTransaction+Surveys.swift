import CXCore
import Foundation

extension StoreTransaction {
    // MARK: - Rounds

    /// Every round of an initiative, by number.
    public func rounds(of initiative: InitiativeID) throws -> [SurveyRound] {
        try values(String.self, "SELECT round FROM surveyRound WHERE initiative = ? ORDER BY number", [initiative]).map { try Self.decoder.decode(SurveyRound.self, from: Data($0.utf8)) }
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

    func roundID(_ initiative: InitiativeID, _ number: Int) throws -> Int64? {
        try value(Int64.self, "SELECT id FROM surveyRound WHERE initiative = ? AND number = ?", [initiative, number])
    }

    // MARK: - Responses (see StoreTransaction+Responses.swift)

    /// Respondents who answered at least `rounds` rounds of the initiative since `since`.
    public func frequentRespondents(of initiative: InitiativeID, since: Date, rounds: Int) throws -> [String] {
        try values(
            String.self,
            """
            SELECT r.respondent FROM surveyResponse r JOIN surveyRound s ON s.id = r.round
            WHERE s.initiative = ? AND r.answeredAt >= ?
            GROUP BY r.respondent HAVING COUNT(DISTINCT r.round) >= ? ORDER BY r.respondent
            """,
            [initiative, since, rounds])
    }

    // MARK: - Follow-ups

    /// Inserts or updates a follow-up; `nextWake` is when its next reminder is due (nil:
    /// closed, or nothing more to send), so that an evaluation loads only the follow-ups due.
    public func save(_ followUp: FollowUp, nextWake: Date?) throws {
        let json = String(decoding: try Self.encoder.encode(followUp), as: UTF8.self)
        try execute(
            sql: """
                INSERT INTO followUp (id, initiative, response, touchpoint, state, open, nextWakeAt, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, open = excluded.open, nextWakeAt = excluded.nextWakeAt,
                  owner = excluded.owner
                """,
            arguments: [
                followUp.id, followUp.initiative, followUp.id, followUp.answer.touchpoint, json, followUp.isOpen,
                followUp.isOpen ? nextWake : nil, followUp.run.owner,
            ])
    }

    /// The open follow-ups of an initiative with a reminder due at `now`, oldest first.
    public func dueFollowUps(of initiative: InitiativeID, at now: Date) throws -> [FollowUp] {
        try values(String.self, Self.dueFollowUpsSQL, [initiative, now])
            .map { try Self.decoder.decode(FollowUp.self, from: Data($0.utf8)) }
    }

    static let dueFollowUpsSQL = "SELECT state FROM followUp WHERE initiative = ? AND nextWakeAt <= ? ORDER BY id"

    /// When the next reminder of any of an initiative's follow-ups is due.
    public func nextFollowUpWake(of initiative: InitiativeID) throws -> Date? {
        try value(Date.self, Self.nextFollowUpWakeSQL, [initiative])
    }

    static let nextFollowUpWakeSQL = "SELECT MIN(nextWakeAt) FROM followUp WHERE initiative = ?"

    /// Follow-ups, optionally of one initiative and only the open ones, oldest first; the first
    /// `limit` of them when given (only those are read and decoded).
    public func followUps(of initiative: InitiativeID? = nil, openOnly: Bool = false, limit: Int? = nil) throws -> [FollowUp] {
        var sql = "SELECT state FROM followUp WHERE 1 = 1"
        var arguments: [(any SQLArgument)?] = []
        if let initiative {
            sql += " AND initiative = ?"
            arguments += [initiative]
        }
        if openOnly { sql += " AND open = 1" }
        sql += " ORDER BY id"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return try values(String.self, sql, arguments)
            .map { try Self.decoder.decode(FollowUp.self, from: Data($0.utf8)) }
    }

    /// A person's open follow-ups, oldest first (through the `followUp_owner` index).
    public func openFollowUps(ownedBy person: PersonID, limit: Int) throws -> [FollowUp] {
        try values(String.self, "SELECT state FROM followUp WHERE owner = ? AND open = 1 ORDER BY id LIMIT ?", [person, limit]).map { try Self.decoder.decode(FollowUp.self, from: Data($0.utf8)) }
    }

    public func followUp(_ id: Int64) throws -> FollowUp? {
        try value(String.self, "SELECT state FROM followUp WHERE id = ?", [id])
            .map { try Self.decoder.decode(FollowUp.self, from: Data($0.utf8)) }
    }

    /// Audit entries of survey activity go to the same append-only log as the steps'.
    public func record(_ entry: AuditEntry, initiative: InitiativeID) throws {
        try append(entry, initiative: initiative)
    }
}
