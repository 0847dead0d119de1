import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Which database a transaction runs on. The store's SQL is written once, in the subset both
/// understand; the few places where they differ ask `dialect`.
enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// The connection a `StoreTransaction` runs its statements on, inside the transaction the
/// store opened. Statements are synchronous: the store runs the whole transaction body on
/// threads of its own (GRDB's queues, or the PostgreSQL store's thread pool), never on a
/// Swift concurrency thread.
enum StoreConnection {
    case sqlite(Database)
    case postgres(PostgresSession)

    var dialect: SQLDialect {
        switch self {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }
}

/// One PostgreSQL connection inside a transaction, run synchronously from one of the store's
/// own threads (waiting on the event loop's futures there is what those threads are for).
final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Savepoints opened so far in this transaction (names them).
    var savepoints = 0
    /// A read-only snapshot: no row locks (`FOR UPDATE`) may be taken.
    let readOnly: Bool
    /// The database's URL without its password, for errors.
    let name: String

    init(connection: PostgresConnection, logger: Logger, readOnly: Bool, name: String) {
        self.connection = connection
        self.logger = logger
        self.readOnly = readOnly
        self.name = name
    }

    /// Runs one statement; `?` placeholders become `$1`, `$2`… (see `PostgresSQL.numbered`).
    func run(_ sql: String, _ arguments: [(any SQLArgument)?]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            if let argument { argument.bind(to: &bindings) } else { bindings.appendNull() }
        }
        let query = PostgresQuery(unsafeSQL: PostgresSQL.numbered(sql), binds: bindings)
        do {
            return try Self.waitBounded(connection.query(query, logger: logger), on: connection)
        } catch {
            // Named and described (postgres-nio's own description hides the server's message).
            throw StoreError(path: name, underlying: PostgresStore.classify(error))
        }
    }

    /// How long one statement may go unanswered before its connection is given up.
    static let statementDeadline: TimeAmount = .seconds(30)

    /// The result of `future`, or a `PostgresUnavailable` failure (and the connection closed)
    /// when it does not come within `statementDeadline`: a connection the server dropped
    /// without the client noticing must fail its transaction, never hang the store's thread.
    static func waitBounded<T: Sendable>(_ future: EventLoopFuture<T>, on connection: PostgresConnection) throws -> T {
        try waitBoundedAsync(future, on: connection).wait()
    }

    /// `future`, failed with `PostgresUnavailable` (and the connection closed) when it does
    /// not complete within `deadline`.
    static func waitBoundedAsync<T: Sendable>(
        _ future: EventLoopFuture<T>, on connection: PostgresConnection, within deadline: TimeAmount = statementDeadline
    ) -> EventLoopFuture<T> {
        let promise = connection.eventLoop.makePromise(of: T.self)
        let settled = NIOLockedValueBox(false)
        let timer = connection.eventLoop.scheduleTask(in: deadline) {
            guard settled.withLockedValue({ done in defer { done = true }; return !done }) else { return }
            promise.fail(PostgresUnavailable(reason: "no answer within \(Double(deadline.nanoseconds) / 1e9) s"))
            PostgresStore.closeSoon(connection)
        }
        future.whenComplete { result in
            timer.cancel()
            guard settled.withLockedValue({ done in defer { done = true }; return !done }) else { return }
            promise.completeWith(result)
        }
        return promise.futureResult
    }

    func rows(_ sql: String, _ arguments: [(any SQLArgument)?]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        return result.rows.map { row in
            var names: [String] = []
            var values: [PostgresValue] = []
            names.reserveCapacity(8)
            values.reserveCapacity(8)
            for cell in row {
                names.append(cell.columnName.lowercased())
                values.append(PostgresSQL.value(of: cell))
            }
            return SQLRow(storage: .postgres(names: names, values: values))
        }
    }
}

/// What the PostgreSQL store needs besides the shared SQL: placeholders, and reading cells.
enum PostgresSQL {
    private static let cache = NIOLockedValueBox<[String: String]>([:])

    /// The statement with each `?` outside quotes numbered (`$1`, `$2`…), as PostgreSQL wants
    /// them. Kept per statement: the store runs a fixed set of statements.
    static func numbered(_ sql: String) -> String {
        if let known = cache.withLockedValue({ $0[sql] }) { return known }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        cache.withLockedValue { cache in
            // Statements built from varying parts (IN lists) must not grow this without bound.
            if cache.count > 2_000 { cache.removeAll() }
            cache[sql] = result
        }
        return result
    }

    /// The value of a cell in the types the store uses.
    static func value(of cell: PostgresCell) -> PostgresValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2: return (try? cell.decode(Int16.self)).map { .integer(Int64($0)) } ?? .null
        case .int4: return (try? cell.decode(Int32.self)).map { .integer(Int64($0)) } ?? .null
        case .int8: return (try? cell.decode(Int64.self)).map { .integer($0) } ?? .null
        case .float4, .float8, .numeric: return (try? cell.decode(Double.self)).map { .real($0) } ?? .null
        case .bool: return (try? cell.decode(Bool.self)).map { .boolean($0) } ?? .null
        case .timestamptz, .timestamp: return (try? cell.decode(Date.self)).map { .date($0) } ?? .null
        case .bytea:
            guard var buffer = cell.bytes else { return .null }
            return .bytes(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: return (try? cell.decode(String.self)).map { .text($0) } ?? .null
        }
    }
}

extension StoredTime {
    /// `date` to the millisecond, as the SQLite store keeps it: both stores read back the same
    /// instants.
    static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}

extension StoreTransaction {
    var dialect: SQLDialect { connection.dialect }

    /// ` FOR UPDATE SKIP LOCKED` in a PostgreSQL write transaction: the rows selected are locked
    /// until commit, and rows another transaction locked are skipped, not waited for. Nothing
    /// on SQLite (one writer at a time) or in a read-only snapshot.
    var lockingSkipLocked: String {
        if case .postgres(let session) = connection, !session.readOnly { return " FOR UPDATE SKIP LOCKED" }
        return ""
    }

    /// Runs one statement; returns how many rows it changed. SQLite statements are compiled
    /// once per connection and reused (the scheduler and the dispatcher run the same few
    /// thousands of times in a burst); `cached: false` for SQL built from varying parts.
    @discardableResult
    func execute(sql: String, arguments: [(any SQLArgument)?] = [], cached: Bool = true) throws -> Int {
        switch connection {
        case .sqlite(let db):
            let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            try statement.execute(arguments: Self.sqliteArguments(arguments))
            return db.changesCount
        case .postgres(let session):
            return try session.run(sql, arguments).metadata.rows ?? 0
        }
    }

    /// The rows of a query, each handed to `transform` (a SQLite row is only valid there).
    @discardableResult
    func fetch<T>(
        _ sql: String, _ arguments: [(any SQLArgument)?] = [], cached: Bool = true, _ transform: (SQLRow) throws -> T
    ) throws -> [T] {
        switch connection {
        case .sqlite(let db):
            let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            let cursor = try Row.fetchCursor(statement, arguments: Self.sqliteArguments(arguments))
            var results: [T] = []
            while let row = try cursor.next() { results.append(try transform(SQLRow(storage: .sqlite(row)))) }
            return results
        case .postgres(let session):
            return try session.rows(sql, arguments).map(transform)
        }
    }

    /// The first row of a query, through `transform`.
    func fetchFirst<T>(
        _ sql: String, _ arguments: [(any SQLArgument)?] = [], cached: Bool = true, _ transform: (SQLRow) throws -> T
    ) throws -> T? {
        switch connection {
        case .sqlite(let db):
            let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            let cursor = try Row.fetchCursor(statement, arguments: Self.sqliteArguments(arguments))
            guard let row = try cursor.next() else { return nil }
            return try transform(SQLRow(storage: .sqlite(row)))
        case .postgres(let session):
            return try session.rows(sql, arguments).first.map(transform)
        }
    }

    /// The first column of every row.
    func values<Value: SQLColumn>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any SQLArgument)?] = [], cached: Bool = true
    ) throws -> [Value] {
        try fetch(sql, arguments, cached: cached) { row in row[0] as Value }
    }

    /// The first column of the first row; nil when there is no row or the value is NULL.
    func value<Value: SQLColumn>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any SQLArgument)?] = [], cached: Bool = true
    ) throws -> Value? {
        try fetchFirst(sql, arguments, cached: cached) { row in row[0] as Value? } ?? nil
    }

    /// Statement arguments with every `Date` in the store's format. The existential overload:
    /// GRDB's generic one maps through a key path, which the runtime instantiates on every call.
    static func sqliteArguments(_ values: [(any SQLArgument)?]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in value?.sqliteValue ?? .null })
    }

    /// `SELECT value FROM json_each(?)` for a list of ids passed as one JSON array argument
    /// (`jsonArray`): one compiled statement whatever the number of ids.
    var idsFromJSON: String {
        switch dialect {
        case .sqlite: return "SELECT value FROM json_each(?)"
        case .postgres: return "SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS bigint)"
        }
    }

    /// `(?, ?, …)` for `count` arguments (at least one: `(NULL)` for none).
    static func placeholders(_ count: Int) -> String {
        count == 0 ? "(NULL)" : "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }
}

/// Something the store found wrong that no database reported (an answer neither inserted nor
/// present, a round that does not exist).
struct StoreFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
