import GRDB

// Fetches through statements compiled once per connection and reused (`Database.cachedStatement`),
// for the store's fixed SQL. GRDB's `fetchOne(db, sql:)` compiles the statement on every call,
// and compiling runs GRDB's authorizer over every column read: in a burst of 10,000 reminders
// that alone was 7 % of the CPU. SQL built from varying parts (IN lists) keeps `sql:`, so that
// the cache holds a bounded set of statements. Dates among the arguments are written by
// `StoredTime`.

extension DatabaseValueConvertible {
    static func fetchAll(_ db: Database, cached sql: String, arguments: [(any DatabaseValueConvertible)?] = []) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: StoredTime.arguments(arguments))
    }

    static func fetchOne(_ db: Database, cached sql: String, arguments: [(any DatabaseValueConvertible)?] = []) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: StoredTime.arguments(arguments))
    }
}

extension Row {
    // Rows straight from the statement, without the copy `FetchableRecord.init(row:)` makes.
    static func fetchAll(_ db: Database, cached sql: String, arguments: [(any DatabaseValueConvertible)?] = []) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: StoredTime.arguments(arguments))
    }

    static func fetchOne(_ db: Database, cached sql: String, arguments: [(any DatabaseValueConvertible)?] = []) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: StoredTime.arguments(arguments))
    }

    static func fetchCursor(_ db: Database, cached sql: String, arguments: [(any DatabaseValueConvertible)?] = []) throws -> RowCursor {
        try fetchCursor(db.cachedStatement(sql: sql), arguments: StoredTime.arguments(arguments))
    }
}
