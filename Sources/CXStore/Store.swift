import CXCore
import Foundation
import GRDB

/// Where cxd keeps progress: one SQLite file (WAL mode, busy timeout), shared by the daemon and
/// the CLI. SQL stays inside this module; callers see domain values.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.foreignKeysEnabled = true
            configuration.label = "cxd"
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Runs `body` in one write transaction: everything it writes lands together or not at all.
    @discardableResult
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.write { db in try body(StoreTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Runs `body` on a read-only snapshot; never blocks the writer.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(StoreTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw StoreError(path: path, underlying: error)
        }
    }
}

/// A database failure, with the file it concerns.
public struct StoreError: Error, CustomStringConvertible {
    public var path: String
    public var underlying: any Error

    public var description: String {
        if let error = underlying as? DatabaseError {
            return "database \(path): \(error.message ?? error.description)"
        }
        return "database \(path): \(underlying)"
    }
}
