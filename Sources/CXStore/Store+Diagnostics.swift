import Foundation
import GRDB

extension Store {
    /// The SQLite journal mode in force (`wal` for a store opened by cxd).
    public func journalMode() throws -> String {
        do {
            guard let pool else { return "postgresql" }
            return try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Runs raw SQL; for tests that check the database's own guards (such as the append-only
    /// audit log). Not used by cxd itself.
    public func executeForTesting(_ sql: String) throws {
        do {
            try write { tx in try tx.executeScript(sql + ";\n") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Counts the write transactions committed from now on; for tests that check that long
    /// work is written in short transactions. Not used by cxd itself.
    public func countCommitsForTesting() -> CommitCounter {
        let counter = CommitCounter()
        pool?.add(transactionObserver: counter, extent: .databaseLifetime)
        return counter
    }
}

/// See `Store.countCommitsForTesting()`.
public final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var commits = 0

    public var count: Int { lock.withLock { commits } }

    public func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    public func databaseDidChange(with event: DatabaseEvent) {}
    public func databaseDidCommit(_ db: Database) { lock.withLock { commits += 1 } }
    public func databaseDidRollback(_ db: Database) {}
}
