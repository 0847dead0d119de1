import Crypto
import Foundation

/// One table of a `cxd db copy`: its rows and the SHA-256 of their contents, in both stores.
public struct TableCopy: Sendable, Equatable {
    public var table: String
    public var sourceRows: Int
    public var destinationRows: Int
    public var sourceChecksum: String
    public var destinationChecksum: String

    public var matches: Bool { sourceRows == destinationRows && sourceChecksum == destinationChecksum }
}

/// Why a copy was refused or did not verify.
public enum StoreCopyError: Error, CustomStringConvertible {
    case destinationNotEmpty(table: String, rows: Int)
    case mismatch([TableCopy])

    public var description: String {
        switch self {
        case .destinationNotEmpty(let table, let rows):
            return "the destination already holds data (\(rows) row(s) in \(table)): copy into a new, empty database"
        case .mismatch(let tables):
            let names = tables.filter { !$0.matches }.map(\.table).joined(separator: ", ")
            return "the copy does not match its source in \(names) (was the source changed during the copy? stop every daemon first)"
        }
    }
}

/// Copies a whole installation from one store to another (SQLite to PostgreSQL, or back):
/// every table's rows, with their ids, the installation id and the link key (so message ids,
/// one-click links and calendar URLs stay valid). The source is read in one snapshot and the
/// destination written in one transaction: a failed copy leaves the destination as it was.
/// Then each table is verified by its row count and a SHA-256 of its rows, read back from
/// both stores in the same order and the same form.
public enum StoreCopy {
    enum Kind {
        case text, integer, date, blob
    }

    struct Table {
        var name: String
        /// The primary key, in order: rows are read in this order (keyset pages).
        var key: [String]
        var columns: [(String, Kind)]
        /// Its id is generated: PostgreSQL's sequence moves past the copied ids.
        var identity: Bool = false
    }

    /// Every table, parents before children.
    static let tables: [Table] = [
        Table(name: "installation", key: ["id"], columns: [("id", .text), ("createdAt", .date)]),
        Table(name: "setting", key: ["key"], columns: [("key", .text), ("value", .text)]),
        Table(
            name: "initiative", key: ["id"],
            columns: [
                ("id", .text), ("title", .text), ("workflow", .text), ("phase", .text), ("cycle", .integer), ("state", .text),
                ("lastReminderAt", .date), ("createdAt", .date), ("updatedAt", .date), ("nextWakeAt", .date), ("lastError", .text),
                ("failingSince", .date), ("openStep", .text), ("stepTitle", .text), ("owner", .text), ("dueAt", .date),
                ("nextReminderAt", .date), ("startsAt", .date), ("version", .integer),
            ]),
        Table(
            name: "initiativeSource", key: ["initiative"],
            columns: [("initiative", .text), ("path", .text), ("size", .integer), ("modified", .integer), ("definition", .text), ("document", .text)]),
        Table(
            name: "stepRun", key: ["initiative", "number"],
            columns: [
                ("initiative", .text), ("number", .integer), ("step", .text), ("cycle", .integer), ("owner", .text),
                ("startedAt", .date), ("dueAt", .date), ("closedAt", .date), ("outcome", .text), ("actor", .text), ("note", .text),
            ]),
        Table(
            name: "event", key: ["id"],
            columns: [
                ("id", .integer), ("initiative", .text), ("at", .date), ("kind", .text), ("actor", .text), ("step", .text),
                ("cycle", .integer), ("run", .integer), ("details", .text),
            ], identity: true),
        Table(
            name: "outbox", key: ["id"],
            columns: [
                ("id", .integer), ("key", .text), ("initiative", .text), ("kind", .text), ("notifier", .text), ("recipient", .text),
                ("payload", .blob), ("status", .text), ("attempts", .integer), ("createdAt", .date), ("nextAttemptAt", .date),
                ("lastError", .text), ("deliveredAt", .date), ("ageStartedAt", .date), ("backoffFrom", .integer),
                ("lastAttemptAt", .date), ("claimedBy", .text), ("claimedUntil", .date),
            ], identity: true),
        Table(name: "disabledNotifier", key: ["name"], columns: [("name", .text), ("disabledAt", .date), ("reason", .text)]),
        Table(
            name: "notifierHealth", key: ["notifier"],
            columns: [
                ("notifier", .text), ("failingSince", .date), ("lastFailureAt", .date), ("lastError", .text),
                ("failingAlertedAt", .date), ("deadUnreported", .integer), ("deadReportedAt", .date), ("deadReports", .integer),
            ]),
        Table(
            name: "surveyRound", key: ["id"],
            columns: [("id", .integer), ("initiative", .text), ("number", .integer), ("round", .text), ("status", .text)],
            identity: true),
        Table(
            name: "surveyResponse", key: ["id"],
            columns: [
                ("id", .integer), ("round", .integer), ("respondent", .text), ("answeredAt", .date), ("score", .integer),
                ("touchpoint", .text), ("comment", .text), ("emotion", .text), ("importedAt", .date), ("importID", .text),
                ("line", .integer),
            ], identity: true),
        Table(
            name: "surveyTally", key: ["round", "touchpoint", "score", "emotion"],
            columns: [("round", .integer), ("touchpoint", .text), ("score", .integer), ("emotion", .text), ("count", .integer)]),
        Table(
            name: "followUp", key: ["id"],
            columns: [
                ("id", .integer), ("initiative", .text), ("response", .integer), ("touchpoint", .text), ("state", .text),
                ("open", .integer), ("nextWakeAt", .date), ("owner", .text),
            ], identity: true),
        Table(
            name: "usedLink", key: ["id"],
            columns: [("id", .text), ("person", .text), ("initiative", .text), ("usedAt", .date), ("expiresAt", .date)]),
        Table(name: "calendarFeed", key: ["person"], columns: [("person", .text), ("generation", .integer)]),
    ]

    /// Tables whose rows the destination's own first migration wrote (replaced by the source's).
    static let seeded: Set<String> = ["installation", "setting"]

    /// Rows read or written per statement.
    static let page = 500

    /// Copies `source` into `destination` (which must hold no initiative, event, outbox message
    /// or answer yet) and verifies it; `progress` hears each table as it is done.
    public static func copy(
        from source: Store, to destination: Store, progress: (String, Int) -> Void = { _, _ in }
    ) throws -> [TableCopy] {
        let sourceSums = try source.read { from in
            try destination.write { to in
                for table in tables where !seeded.contains(table.name) {
                    let rows = try to.value(Int.self, "SELECT COUNT(*) FROM \(table.name)") ?? 0
                    if rows > 0 { throw StoreCopyError.destinationNotEmpty(table: table.name, rows: rows) }
                }
                var sums: [String: (rows: Int, checksum: String)] = [:]
                for table in tables {
                    if seeded.contains(table.name) { try to.execute(sql: "DELETE FROM \(table.name)") }
                    var hash = SHA256()
                    var count = 0
                    try forEachPage(of: table, in: from) { rows in
                        for row in rows { hash.update(data: Data(canonical(row).utf8)) }
                        count += rows.count
                        try insert(rows, into: table, tx: to)
                    }
                    if table.identity, to.dialect == .postgres {
                        try to.execute(
                            sql: "SELECT setval(pg_get_serial_sequence('\(table.name.lowercased())', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table.name)")
                    }
                    sums[table.name] = (count, hex(hash.finalize()))
                    progress(table.name, count)
                }
                return sums
            }
        }
        let destinationSums = try destination.read { to in try checksums(to) }
        let report = tables.map { table in
            TableCopy(
                table: table.name, sourceRows: sourceSums[table.name]?.rows ?? 0,
                destinationRows: destinationSums[table.name]?.rows ?? 0,
                sourceChecksum: sourceSums[table.name]?.checksum ?? "", destinationChecksum: destinationSums[table.name]?.checksum ?? "")
        }
        guard report.allSatisfy(\.matches) else { throw StoreCopyError.mismatch(report) }
        return report
    }

    /// Rows and checksum of every table of a store, as `copy` computes them.
    static func checksums(_ tx: StoreTransaction) throws -> [String: (rows: Int, checksum: String)] {
        var sums: [String: (rows: Int, checksum: String)] = [:]
        for table in tables {
            var hash = SHA256()
            var count = 0
            try forEachPage(of: table, in: tx) { rows in
                for row in rows { hash.update(data: Data(canonical(row).utf8)) }
                count += rows.count
            }
            sums[table.name] = (count, hex(hash.finalize()))
        }
        return sums
    }

    /// A row's values, typed, in column order.
    typealias Values = [(any SQLArgument)?]

    /// Reads `table` in key order, a page at a time (keyset: `WHERE (key) > (last key)`), so
    /// that memory stays bounded whatever the history. Tables whose key may hold NULLs
    /// (the tally) are small and read whole.
    static func forEachPage(of table: Table, in tx: StoreTransaction, _ body: ([Values]) throws -> Void) throws {
        let columns = table.columns.map(\.0).joined(separator: ", ")
        let order = table.key.joined(separator: ", ")
        if table.name == "surveyTally" {
            try body(try tx.fetch("SELECT \(columns) FROM \(table.name) ORDER BY \(order)", cached: false) { read($0, table) })
            return
        }
        var last: Values?
        while true {
            let rows: [Values]
            if let last {
                let keyValues = table.key.map { key in last[table.columns.firstIndex { $0.0 == key }!] }
                rows = try tx.fetch(
                    "SELECT \(columns) FROM \(table.name) WHERE (\(order)) > (\(table.key.map { _ in "?" }.joined(separator: ", "))) ORDER BY \(order) LIMIT ?",
                    keyValues + [page], cached: false
                ) { read($0, table) }
            } else {
                rows = try tx.fetch("SELECT \(columns) FROM \(table.name) ORDER BY \(order) LIMIT ?", [page], cached: false) { read($0, table) }
            }
            if !rows.isEmpty { try body(rows) }
            guard rows.count == page else { return }
            last = rows.last
        }
    }

    static func read(_ row: SQLRow, _ table: Table) -> Values {
        table.columns.enumerated().map { index, column -> (any SQLArgument)? in
            switch column.1 {
            case .text: return row[index] as String?
            case .integer: return row[index] as Int64?
            case .date: return row[index] as Date?
            case .blob: return row[index] as Data?
            }
        }
    }

    static func insert(_ rows: [Values], into table: Table, tx: StoreTransaction) throws {
        guard let width = rows.first?.count, width > 0 else { return }
        let columns = table.columns.map(\.0).joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        let sql = "INSERT INTO \(table.name) (\(columns)) VALUES " + Array(repeating: tuple, count: rows.count).joined(separator: ", ")
        try tx.execute(sql: sql, arguments: rows.flatMap { $0 }, cached: false)
    }

    /// One line per row, the same from either database: text as is (escaped), numbers in
    /// decimal, dates in milliseconds since 1970, bytes in hex, NULL as `∅`.
    static func canonical(_ values: Values) -> String {
        values.map { value -> String in
            switch value {
            case nil: return "∅"
            case let text as String: return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case let number as Int64: return String(number)
            case let date as Date: return "@" + String(Int64((date.timeIntervalSince1970 * 1000).rounded()))
            case let data as Data: return "x" + data.map { String(format: "%02x", $0) }.joined()
            case let other?: return "\(other)"
            }
        }.joined(separator: "|") + "\n"
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
