import Foundation
import GRDB

/// The schema's named migrations (`Schema.migrator`), for `cxd db status` and `cxd db migrate`.
/// Every command that writes migrates on open too; these make it visible and explicit (before
/// starting a new cxd, after a backup). A migration is never edited once shipped: a change of
/// schema is a new one.
public struct MigrationStatus: Sendable, Equatable {
    /// Applied, in order.
    public var applied: [String]
    /// Known to this cxd and not applied yet, in the order they would run.
    public var pending: [String]
    /// Applied by a newer cxd: this one does not know them.
    public var unknown: [String]
}

extension Store {
    /// The migrations of the database at `path`, read without writing anything.
    public static func migrationStatus(at path: String) throws(StoreError) -> MigrationStatus {
        do {
            guard FileManager.default.fileExists(atPath: path) else { throw StoreProblem.missing }
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Schema.migrator
            // Every identifier in the table, registered here or not.
            let identifiers = try queue.read { db in try migrator.appliedIdentifiers(db) }
            let known = Set(migrator.migrations)
            return MigrationStatus(
                applied: migrator.migrations.filter { identifiers.contains($0) },
                pending: migrator.migrations.filter { !identifiers.contains($0) },
                unknown: identifiers.subtracting(known).sorted())
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Applies the pending migrations of the database at `path` (all in one transaction each,
    /// as GRDB runs them); returns those it applied.
    @discardableResult
    public static func migrate(at path: String) throws(StoreError) -> [String] {
        let before = try migrationStatus(at: path)
        _ = try Store(path: path, creation: .mustExist)
        let after = try migrationStatus(at: path)
        return before.pending.filter { after.applied.contains($0) }
    }

    /// The migrations of the database at `location`, read without writing anything.
    public static func migrationStatus(at location: StoreLocation) throws(StoreError) -> MigrationStatus {
        switch location {
        case .sqlite(let path):
            return try migrationStatus(at: path)
        case .postgres(let settings):
            let store = try PostgresStore(settings: settings, creation: .mustExist, migrate: false)
            defer { store.shutdownNow() }
            return try store.storeErrors { try store.transactionNow(readOnly: true) { tx in try PostgresSchema.status(tx) } }
        }
    }

    /// Applies the pending migrations of the database at `location`; returns those it applied.
    @discardableResult
    public static func migrate(at location: StoreLocation) throws(StoreError) -> [String] {
        switch location {
        case .sqlite(let path):
            return try migrate(at: path)
        case .postgres(let settings):
            let store = try PostgresStore(settings: settings, creation: .mustExist, migrate: false)
            defer { store.shutdownNow() }
            return try store.storeErrors { try store.transactionNow(readOnly: false) { tx in try PostgresSchema.migrate(tx) } }
        }
    }
}
