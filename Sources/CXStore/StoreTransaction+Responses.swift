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

/// Inserts the answers of one import into one round, inside the store's write transaction,
/// and updates the round's tally once at the end with the counts of the answers actually
/// inserted. See `StoreTransaction.insertResponses`.
///
/// On SQLite one prepared statement is bound and stepped through SQLite's C API for every row
/// (GRDB's arguments were most of the cost of a million-row import); on PostgreSQL each row is
/// an `INSERT … RETURNING id`.
public struct ResponseInserter {
    let transaction: StoreTransaction
    let roundID: Int64
    let importID: String
    let importedAt: Date
    /// SQLite's prepared statements, bound through the C API.
    let sqlite: SQLiteStatements?
    var tally: [TallyKey: Int] = [:]

    struct SQLiteStatements {
        let db: Database
        let insert: Statement
    }

    struct TallyKey: Hashable {
        var touchpoint: String?
        var score: Int?
        var emotion: Emotion?
    }

    static let insertSQL = """
        INSERT INTO surveyResponse
          (round, respondent, answeredAt, score, touchpoint, comment, emotion, importedAt, importID, line)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(round, respondent) DO NOTHING
        """

    static let lookupSQL = """
        SELECT importID, line, answeredAt, score, touchpoint, comment, emotion
        FROM surveyResponse WHERE round = ? AND respondent = ?
        """

    /// Stores `response` (from `line` of the file) unless its respondent already answered the
    /// round, in which case the answer there is returned and nothing changes.
    public mutating func insert(_ response: NewResponse, line: Int) throws -> ResponseInsertion {
        if let id = try insertRow(response, line: line) {
            tally[TallyKey(touchpoint: response.touchpoint, score: response.score, emotion: response.emotion), default: 0] += 1
            return .inserted(id)
        }
        let present = try transaction.fetchFirst(Self.lookupSQL, [roundID, response.respondent]) { row in
            let sameImport = (row["importID"] as String?) == importID
            return PresentResponse(
                lineInThisImport: sameImport ? row["line"] : nil,
                answer: NewResponse(
                    respondent: response.respondent, answeredAt: row["answeredAt"], score: row["score"],
                    touchpoint: row["touchpoint"], comment: row["comment"],
                    emotion: (row["emotion"] as String?).flatMap(Emotion.init(rawValue:))))
        }
        guard let present else {
            // The insert was ignored for another reason than the respondent's answer: impossible
            // with ON CONFLICT(round, respondent), but never claim a duplicate that is not there.
            throw StoreFailure("answer of '\(response.respondent)' neither inserted nor present")
        }
        return .present(present)
    }

    /// The new row's id; nil when the respondent was already in the round.
    private func insertRow(_ response: NewResponse, line: Int) throws -> Int64? {
        if let sqlite {
            return try Self.insertRow(response, line: line, through: sqlite)
        }
        return try transaction.fetchFirst(
            Self.insertSQL + " RETURNING id",
            [roundID, response.respondent, response.answeredAt, response.score, response.touchpoint, response.comment,
             response.emotion?.rawValue, importedAt, importID, line]
        ) { row in row[0] as Int64 }
    }

    /// Binds and steps the insert through SQLite's C API. The values the same for every row
    /// (round, import time, import id) are bound once by `bindConstants`; SQLite keeps
    /// bindings across resets. Text is bound with its length (and copied by SQLite), so
    /// nothing is cut at a NUL.
    private static func insertRow(_ response: NewResponse, line: Int, through sqlite: SQLiteStatements) throws -> Int64? {
        let statement = sqlite.insert.sqliteStatement
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
            let message = String(cString: sqlite3_errmsg(sqlite.db.sqliteConnection))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sqlite.insert.sql)
        }
        return sqlite3_changes(sqlite.db.sqliteConnection) == 1 ? sqlite.db.lastInsertedRowID : nil
    }

    /// Binds the round, the import's time and its id: the same for every row.
    func bindConstants() {
        guard let sqlite else { return }
        let statement = sqlite.insert.sqliteStatement
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        sqlite3_bind_int64(statement, 1, roundID)
        _ = importedAt.sqliteValue.bind(to: statement, at: 8)
        var importID = importID
        importID.withUTF8 { bytes in
            _ = sqlite3_bind_text(statement, 9, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  CInt(bytes.count), Self.transient)
        }
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Adds the counts of the answers inserted to the round's tally.
    func flush() throws {
        let sql = """
            INSERT INTO surveyTally (round, touchpoint, score, emotion, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (\(transaction.tallyConflictTarget)) DO UPDATE SET count = surveyTally.count + excluded.count
            """
        for (key, count) in tally {
            try transaction.execute(sql: sql, arguments: [roundID, key.touchpoint, key.score, key.emotion?.rawValue, count])
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
            throw StoreFailure("initiative '\(initiative)' has no survey round \(round)")
        }
        var sqlite: ResponseInserter.SQLiteStatements?
        if case .sqlite(let db) = connection {
            sqlite = .init(db: db, insert: try db.cachedStatement(sql: ResponseInserter.insertSQL))
        }
        var inserter = ResponseInserter(
            transaction: self, roundID: roundID, importID: importID, importedAt: now, sqlite: sqlite)
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
        try fetch("SELECT touchpoint, score, emotion, count FROM surveyTally WHERE round = ?", [roundID]) { row in
            tally.add(
                touchpoint: row[0], score: row[1], emotion: (row[2] as String?).flatMap(Emotion.init(rawValue:)), count: row[3])
        }
        return tally
    }

    /// How many answers a round holds (scored or not), from the tally.
    public func responseCount(round: Int, of initiative: InitiativeID) throws -> Int {
        guard let roundID = try roundID(initiative, round) else { return 0 }
        return try value(Int.self, "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM surveyTally WHERE round = ?", [roundID]) ?? 0
    }

    /// The answers of one round, in the order they were stored.
    public func responses(round: Int, of initiative: InitiativeID) throws -> [StoredResponse] {
        guard let roundID = try roundID(initiative, round) else { return [] }
        return try fetch("SELECT * FROM surveyResponse WHERE round = ? ORDER BY id", [roundID]) { row in
                StoredResponse(
                    id: row["id"], round: round, respondent: row["respondent"], answeredAt: row["answeredAt"],
                    score: row["score"], touchpoint: row["touchpoint"], comment: row["comment"],
                    emotion: (row["emotion"] as String?).flatMap(Emotion.init(rawValue:)))
            }
    }
}

extension StoreTransaction {
    /// The conflict target of `surveyTally`'s key, as each database declares it: SQLite's
    /// expression index (`Schema.tallyKey`), PostgreSQL 15's `UNIQUE NULLS NOT DISTINCT`.
    var tallyConflictTarget: String {
        switch dialect {
        case .sqlite: return Schema.tallyKey
        case .postgres: return "round, touchpoint, score, emotion"
        }
    }
}
