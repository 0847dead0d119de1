import CXCore
import Foundation
import GRDB
import GRDBSQLite

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

    /// Whether two answers say the same thing: same time (to the millisecond the store keeps),
    /// score, touchpoint, comment and emotion.
    public func isSameAnswer(as other: NewResponse) -> Bool {
        StoredTime.value(answeredAt) == StoredTime.value(other.answeredAt) && score == other.score
            && touchpoint == other.touchpoint && comment == other.comment && emotion == other.emotion
    }
}

/// What became of an answer offered to a round.
public enum ResponseInsertion: Sendable, Equatable {
    /// Stored, with this id.
    case inserted(Int64)
    /// The respondent had already answered the round; nothing was written.
    case present(PresentResponse)
}

/// The answer a round already holds for a respondent.
public struct PresentResponse: Sendable, Equatable {
    /// The line it came from when this same import stored it (a respondent repeated in the
    /// file); nil when an earlier import (or one from before provenance was kept) did.
    public var lineInThisImport: Int?
    public var answer: NewResponse
}

/// Inserts the answers of one import into one round, inside the store's write transaction:
/// one prepared statement for every row, and the round's tally updated once at the end with
/// the counts of the answers actually inserted. See `StoreTransaction.insertResponses`.
public struct ResponseInserter {
    let db: Database
    let roundID: Int64
    let importID: String
    let importedAt: DatabaseValue
    let insert: Statement
    let lookup: Statement
    var tally: [TallyKey: Int] = [:]

    struct TallyKey: Hashable {
        var touchpoint: String?
        var score: Int?
        var emotion: Emotion?
    }

    /// Stores `response` (from `line` of the file) unless its respondent already answered the
    /// round, in which case the answer there is returned and nothing changes.
    public mutating func insert(_ response: NewResponse, line: Int) throws -> ResponseInsertion {
        if try insertRow(response, line: line) {
            tally[TallyKey(touchpoint: response.touchpoint, score: response.score, emotion: response.emotion), default: 0] += 1
            return .inserted(db.lastInsertedRowID)
        }
        guard let row = try Row.fetchOne(lookup, arguments: [roundID, response.respondent]) else {
            // The insert was ignored for another reason than the respondent's answer: impossible
            // with ON CONFLICT(round, respondent), but never claim a duplicate that is not there.
            throw DatabaseError(message: "answer of '\(response.respondent)' neither inserted nor present")
        }
        let sameImport = (row["importID"] as String?) == importID
        return .present(PresentResponse(
            lineInThisImport: sameImport ? row["line"] : nil,
            answer: NewResponse(
                respondent: response.respondent, answeredAt: row["answeredAt"], score: row["score"],
                touchpoint: row["touchpoint"], comment: row["comment"],
                emotion: (row["emotion"] as String?).flatMap(Emotion.init(rawValue:)))))
    }

    /// Binds and steps the insert through SQLite's C API: GRDB's arguments (an array of
    /// values per row, its statement hooks) were most of the cost of a million-row import.
    /// The values the same for every row (round, import time, import id) are bound once by
    /// `bindConstants`; SQLite keeps bindings across resets. Text is bound with its length
    /// (and copied by SQLite), so nothing is cut at a NUL.
    /// True when the row was inserted, false when the respondent was already in the round.
    private func insertRow(_ response: NewResponse, line: Int) throws -> Bool {
        let statement = insert.sqliteStatement
        sqlite3_reset(statement)
        func text(_ index: CInt, _ value: String?) {
            guard var value else {
                sqlite3_bind_null(statement, index)
                return
            }
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(statement, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                      CInt(bytes.count), Self.transient)
            }
        }
        text(2, response.respondent)
        var time = (UInt64(0), UInt64(0), UInt64(0))
        let written = withUnsafeMutableBytes(of: &time) { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard StoredTime.write(response.answeredAt, into: bytes) else { return false }
            sqlite3_bind_text(statement, 3, raw.baseAddress!.assumingMemoryBound(to: CChar.self), CInt(StoredTime.length), Self.transient)
            return true
        }
        if !written { _ = response.answeredAt.databaseValue.bind(to: statement, at: 3) }
        if let score = response.score { sqlite3_bind_int64(statement, 4, Int64(score)) } else { sqlite3_bind_null(statement, 4) }
        text(5, response.touchpoint)
        text(6, response.comment)
        text(7, response.emotion?.rawValue)
        sqlite3_bind_int64(statement, 10, Int64(line))
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: insert.sql)
        }
        return sqlite3_changes(db.sqliteConnection) == 1
    }

    /// Binds the round, the import's time and its id: the same for every row.
    func bindConstants() {
        let statement = insert.sqliteStatement
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        sqlite3_bind_int64(statement, 1, roundID)
        _ = importedAt.bind(to: statement, at: 8)
        var importID = importID
        importID.withUTF8 { bytes in
            _ = sqlite3_bind_text(statement, 9, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  CInt(bytes.count), Self.transient)
        }
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Adds the counts of the answers inserted to the round's tally.
    func flush() throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO surveyTally (round, touchpoint, score, emotion, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (\(Schema.tallyKey)) DO UPDATE SET count = count + excluded.count
            """)
        for (key, count) in tally {
            try upsert.execute(arguments: [roundID, key.touchpoint, key.score, key.emotion?.rawValue, count])
        }
    }
}

extension StoreTransaction {
    /// Inserts answers into a round through `body` (see `ResponseInserter`), then brings the
    /// round's tally up to date in the same transaction. A respondent already in the round is
    /// never stored twice (the unique (round, respondent) key); each stored answer records
    /// `importID` and its line, so a later duplicate can name where the first one came from.
    public func insertResponses<T>(
        round: Int, of initiative: InitiativeID, importID: String, at now: Date,
        _ body: (inout ResponseInserter) throws -> T
    ) throws -> T {
        guard let roundID = try roundID(initiative, round) else {
            throw DatabaseError(message: "initiative '\(initiative)' has no survey round \(round)")
        }
        var inserter = ResponseInserter(
            db: db, roundID: roundID, importID: importID, importedAt: StoredTime.value(now),
            insert: try db.cachedStatement(sql: """
                INSERT INTO surveyResponse
                  (round, respondent, answeredAt, score, touchpoint, comment, emotion, importedAt, importID, line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(round, respondent) DO NOTHING
                """),
            lookup: try db.cachedStatement(sql: """
                SELECT importID, line, answeredAt, score, touchpoint, comment, emotion
                FROM surveyResponse WHERE round = ? AND respondent = ?
                """))
        inserter.bindConstants()
        let result = try body(&inserter)
        try inserter.flush()
        return result
    }

    /// The answers of one round counted per touchpoint, score and emotion, from the tally the
    /// store keeps: as many rows as groups, whatever the number of answers.
    public func tally(round: Int, of initiative: InitiativeID) throws -> RoundTally {
        var tally = RoundTally()
        guard let roundID = try roundID(initiative, round) else { return tally }
        let rows = try Row.fetchCursor(
            db, sql: "SELECT touchpoint, score, emotion, count FROM surveyTally WHERE round = ?", arguments: [roundID])
        while let row = try rows.next() {
            tally.add(
                touchpoint: row[0], score: row[1], emotion: (row[2] as String?).flatMap(Emotion.init(rawValue:)), count: row[3])
        }
        return tally
    }

    /// How many answers a round holds (scored or not), from the tally.
    public func responseCount(round: Int, of initiative: InitiativeID) throws -> Int {
        guard let roundID = try roundID(initiative, round) else { return 0 }
        return try Int.fetchOne(db, cached: "SELECT IFNULL(SUM(count), 0) FROM surveyTally WHERE round = ?", arguments: [roundID]) ?? 0
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
}
