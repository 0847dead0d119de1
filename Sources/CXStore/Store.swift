#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXCore
import Foundation
import GRDB
import PostgresNIO

/// Where cxd keeps progress: one SQLite file (WAL mode, busy timeout) shared by the daemon and
/// the CLI, or a PostgreSQL database shared by several daemons on several machines. SQL stays
/// inside this module; callers see domain values.
///
/// Access is async (`read`/`write` run the transaction body on the store's own threads:
/// GRDB's queues for SQLite, a thread pool for PostgreSQL; never on a Swift concurrency
/// thread); the synchronous forms remain for the pure-CLI paths that run outside the
/// cooperative pool. On SQLite, every transaction first checks that the file at `path` is
/// still the database opened (same device and inode): a database deleted or replaced under a
/// running process is reported, never silently recreated.
public final class Store: Sendable {
    /// What opening a store may do when the database does not exist.
    public enum Creation: Sendable {
        /// Create the file (and its folder): `cxd init` and the daemon's first start.
        case createIfMissing
        /// Refuse: every other command works on an existing database.
        case mustExist
        /// Open an existing database for reading only (`status`, `history`, `plan`…): nothing
        /// is written, not even a migration, and no write lock is ever taken.
        case readOnly
    }

    /// The database as errors and `cxd status` name it: the SQLite file's path, or the
    /// PostgreSQL URL without its password.
    public let path: String
    let backend: Backend

    enum Backend: Sendable {
        case sqlite(pool: DatabasePool, identity: FileIdentity)
        case postgres(PostgresStore)
    }

    /// Which database this store runs on.
    public var isPostgres: Bool {
        if case .postgres = backend { return true }
        return false
    }

    /// The SQLite pool (nil on PostgreSQL): the SQLite-only diagnostics and tests use it.
    var pool: DatabasePool? {
        if case .sqlite(let pool, _) = backend { return pool }
        return nil
    }

    /// How long a write waits for another process's write transaction (the daemon writes in
    /// short chunks, so this is far longer than any chunk).
    public static let defaultBusyTimeout: TimeInterval = 60

    /// How many times a write transaction runs again after another writer changed what it
    /// read (`StoreConflict`) or PostgreSQL chose it as a deadlock's victim.
    static let conflictRetries = 8

    /// Opens the database at `location` and migrates it to the current schema.
    public convenience init(
        location: StoreLocation, creation: Creation = .createIfMissing, busyTimeout: TimeInterval = Store.defaultBusyTimeout
    ) throws(StoreError) {
        switch location {
        case .sqlite(let path):
            try self.init(path: path, creation: creation, busyTimeout: busyTimeout)
        case .postgres(let settings):
            let store = try PostgresStore(settings: settings, creation: creation)
            self.init(path: settings.redactedURL, backend: .postgres(store))
        }
    }

    init(path: String, backend: Backend) {
        self.path = path
        self.backend = backend
    }

    /// Opens the SQLite database at `path` and migrates it to the current schema.
    public init(
        path: String, creation: Creation = .createIfMissing, busyTimeout: TimeInterval = Store.defaultBusyTimeout
    ) throws(StoreError) {
        self.path = path
        do {
            if creation != .createIfMissing, !FileManager.default.fileExists(atPath: path) {
                throw StoreProblem.missing
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            configuration.foreignKeysEnabled = true
            configuration.label = "cxd"
            let pool: DatabasePool
            if creation == .readOnly {
                configuration.readonly = true
                pool = try DatabasePool(path: path, configuration: configuration)
                guard try pool.read({ db in try Schema.migrator.hasCompletedMigrations(db) }) else {
                    throw StoreProblem.olderSchema
                }
            } else {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                pool = try DatabasePool(path: path, configuration: configuration)
                try Schema.migrator.migrate(pool)
            }
            guard let identity = FileIdentity(path: path) else { throw StoreProblem.replaced }
            backend = .sqlite(pool: pool, identity: identity)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Throws when the file at `path` is no longer the database this store opened (SQLite).
    public func checkIdentity() throws(StoreError) {
        guard case .sqlite(_, let identity) = backend else { return }
        guard let now = FileIdentity(path: path) else { throw StoreError(path: path, underlying: StoreProblem.removed) }
        guard now == identity else { throw StoreError(path: path, underlying: StoreProblem.replaced) }
    }

    /// Closes the PostgreSQL connections (SQLite closes with the last reference).
    public func close() async {
        if case .postgres(let store) = backend { await store.close() }
    }

    // MARK: - Async access (services and commands)

    /// Runs `body` in one write transaction: everything it writes lands together or not at
    /// all. When another writer changed an initiative it read meanwhile, `body` runs again.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        try checkIdentity()
        switch backend {
        case .sqlite(let pool, _):
            return try await retryingConflicts {
                do {
                    return try await pool.write { db in try body(StoreTransaction(connection: .sqlite(db))) }
                } catch let error as DatabaseError {
                    throw StoreError(path: path, underlying: error)
                }
            }
        case .postgres(let store):
            return try await store.transaction(readOnly: false, body)
        }
    }

    /// Runs `body` on a read-only snapshot; never blocks the writer.
    public func read<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        try checkIdentity()
        switch backend {
        case .sqlite(let pool, _):
            do {
                return try await pool.read { db in try body(StoreTransaction(connection: .sqlite(db))) }
            } catch let error as DatabaseError {
                throw StoreError(path: path, underlying: error)
            }
        case .postgres(let store):
            return try await store.transaction(readOnly: true, body)
        }
    }

    /// Whether `error` means another writer's change got in the way (an initiative changed
    /// meanwhile, a serialization failure or a deadlock PostgreSQL broke): the transaction may
    /// simply run again.
    public static func isRetryable(_ error: any Error) -> Bool {
        PostgresStore.isRetryable(error)
    }

    private func retryingConflicts<T>(_ attempt: () async throws -> T) async throws -> T {
        var tries = 0
        while true {
            do {
                return try await attempt()
            } catch is StoreConflict where tries < Self.conflictRetries {
                tries += 1
            }
        }
    }

    // MARK: - Synchronous access (tests and code outside Swift concurrency)

    /// Synchronous form of `write`, for code that runs outside Swift concurrency.
    @discardableResult
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try checkIdentity()
        switch backend {
        case .sqlite(let pool, _):
            var tries = 0
            while true {
                do {
                    return try pool.write { db in try body(StoreTransaction(connection: .sqlite(db))) }
                } catch is StoreConflict where tries < Self.conflictRetries {
                    tries += 1
                } catch let error as DatabaseError {
                    throw StoreError(path: path, underlying: error)
                }
            }
        case .postgres(let store):
            return try store.transactionNow(readOnly: false, body)
        }
    }

    /// Synchronous form of `read`.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try checkIdentity()
        switch backend {
        case .sqlite(let pool, _):
            do {
                return try pool.read { db in try body(StoreTransaction(connection: .sqlite(db))) }
            } catch let error as DatabaseError {
                throw StoreError(path: path, underlying: error)
            }
        case .postgres(let store):
            return try store.transactionNow(readOnly: true, body)
        }
    }
}

/// Device and inode of a file: what "the same file" means whatever the path says.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

enum StoreProblem: Error, CustomStringConvertible {
    case missing
    case removed
    case replaced
    case olderSchema

    var description: String {
        switch self {
        case .missing:
            return "no database here yet; `cxd run` creates it on its first start (or `cxd init` for a new project)"
        case .olderSchema:
            return "the database was written by an older cxd and is upgraded by the next command that changes it "
                + "(`cxd db migrate`, `cxd run`, `cxd complete`…); this command only reads"
        case .removed:
            return "the database file was removed while cxd had it open; stopping rather than writing to a new, empty "
                + "database (restore the file from a backup, or restart cxd to start afresh)"
        case .replaced:
            return "the database file was replaced while cxd had it open; stopping rather than writing to another database "
                + "(restart cxd to use the new file)"
        }
    }
}

/// A database failure, with the file it concerns.
public struct StoreError: Error, CustomStringConvertible {
    public var path: String
    public var underlying: any Error

    /// True when the database file disappeared or was swapped under the process.
    public var isIdentityLost: Bool {
        guard let problem = underlying as? StoreProblem else { return false }
        return problem == .removed || problem == .replaced
    }

    /// True when SQLite gave up waiting for another process's write (SQLITE_BUSY/LOCKED).
    public var isBusy: Bool {
        guard let error = underlying as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    /// True when the PostgreSQL server could not be reached or the connection broke: worth
    /// trying again later, with backoff.
    public var isUnavailable: Bool {
        (underlying as? PostgresUnavailable) != nil
    }

    public var description: String {
        if let error = underlying as? DatabaseError {
            return "database \(path): \(error.message ?? error.description)"
        }
        if let error = underlying as? PSQLError {
            return "database \(path): \(PostgresStore.describe(error))"
        }
        return "database \(path): \(underlying)"
    }
}
