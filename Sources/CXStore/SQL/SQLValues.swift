import Foundation
import GRDB
import NIOCore
import PostgresNIO

/// A value the store passes to a statement, for either database: SQLite gets GRDB's
/// `DatabaseValue` (dates in `StoredTime`'s text), PostgreSQL a typed binding (dates as
/// `timestamptz`, to the millisecond the SQLite store keeps).
protocol SQLArgument: Sendable {
    var sqliteValue: DatabaseValue { get }
    func bind(to bindings: inout PostgresBindings)
}

/// A value the store reads from a column of either database.
protocol SQLColumn {
    /// nil when the value is NULL or of another type.
    static func decode(sqlite value: DatabaseValue) -> Self?
    static func decode(postgres value: PostgresValue) -> Self?
}

/// A column of a PostgreSQL row, decoded once from its wire format.
enum PostgresValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
    case boolean(Bool)
    case date(Date)
}

extension String: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { databaseValue }
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
    static func decode(sqlite value: DatabaseValue) -> String? { String.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Int: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { databaseValue }
    func bind(to bindings: inout PostgresBindings) { bindings.append(Int64(self)) }
    static func decode(sqlite value: DatabaseValue) -> Int? { Int.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> Int? { Int64.decode(postgres: value).map(Int.init) }
}

extension Int64: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { databaseValue }
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
    static func decode(sqlite value: DatabaseValue) -> Int64? { Int64.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> Int64? {
        switch value {
        case .integer(let number): return number
        case .boolean(let flag): return flag ? 1 : 0
        default: return nil
        }
    }
}

extension Double: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { databaseValue }
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
    static func decode(sqlite value: DatabaseValue) -> Double? { Double.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> Double? {
        switch value {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        default: return nil
        }
    }
}

extension Bool: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { databaseValue }
    /// Flags are integers (0, 1) in both databases: the same SQL (`open = 1`, `SUM(open)`)
    /// reads them.
    func bind(to bindings: inout PostgresBindings) { bindings.append(Int64(self ? 1 : 0)) }
    static func decode(sqlite value: DatabaseValue) -> Bool? { Bool.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> Bool? {
        switch value {
        case .boolean(let flag): return flag
        case .integer(let number): return number != 0
        default: return nil
        }
    }
}

extension Date: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { StoredTime.value(self) }
    func bind(to bindings: inout PostgresBindings) { bindings.append(StoredTime.rounded(self)) }
    static func decode(sqlite value: DatabaseValue) -> Date? { Date.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> Date? {
        if case .date(let date) = value { return date }
        return nil
    }
}

extension Data: SQLArgument, SQLColumn {
    var sqliteValue: DatabaseValue { databaseValue }
    func bind(to bindings: inout PostgresBindings) { bindings.append(ByteBuffer(bytes: self)) }
    static func decode(sqlite value: DatabaseValue) -> Data? { Data.fromDatabaseValue(value) }
    static func decode(postgres value: PostgresValue) -> Data? {
        switch value {
        case .bytes(let bytes): return Data(bytes)
        case .text(let text): return Data(text.utf8)
        default: return nil
        }
    }
}

extension Optional: SQLColumn where Wrapped: SQLColumn {
    static func decode(sqlite value: DatabaseValue) -> Wrapped?? {
        value.isNull ? .some(nil) : Wrapped.decode(sqlite: value).map { .some($0) }
    }

    static func decode(postgres value: PostgresValue) -> Wrapped?? {
        value == .null ? .some(nil) : Wrapped.decode(postgres: value).map { .some($0) }
    }
}

/// One row read by the store, from either database. Columns are read by position (cheapest)
/// or by name (case-insensitive: PostgreSQL folds unquoted names to lower case).
struct SQLRow {
    enum Storage {
        case sqlite(Row)
        case postgres(names: [String], values: [PostgresValue])
    }

    let storage: Storage

    subscript<Value: SQLColumn>(_ index: Int) -> Value {
        switch storage {
        case .sqlite(let row):
            return Self.unwrap(Value.decode(sqlite: row[index] as DatabaseValue), column: "\(index)")
        case .postgres(_, let values):
            return Self.unwrap(Value.decode(postgres: values[index]), column: "\(index)")
        }
    }

    subscript<Value: SQLColumn>(_ name: String) -> Value {
        switch storage {
        case .sqlite(let row):
            return Self.unwrap(Value.decode(sqlite: row[name] as DatabaseValue? ?? .null), column: name)
        case .postgres(let names, let values):
            let lowered = name.lowercased()
            guard let index = names.firstIndex(of: lowered) else {
                return Self.unwrap(Value.decode(postgres: .null), column: name)
            }
            return Self.unwrap(Value.decode(postgres: values[index]), column: name)
        }
    }

    /// A column whose value cannot be what the store wrote there is a broken database, as in
    /// GRDB's own subscripts: not an input to recover from.
    private static func unwrap<Value>(_ value: Value?, column: String) -> Value {
        guard let value else { fatalError("the store's column \(column) does not hold a \(Value.self)") }
        return value
    }
}
