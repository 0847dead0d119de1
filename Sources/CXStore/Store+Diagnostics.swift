import GRDB

extension Store {
    /// The SQLite journal mode in force (`wal` for a store opened by cxd).
    public func journalMode() throws -> String {
        do {
            return try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }

    /// Runs raw SQL; for tests that check the database's own guards (such as the append-only
    /// audit log). Not used by cxd itself.
    public func executeForTesting(_ sql: String) throws {
        do {
            try pool.write { db in try db.execute(sql: sql) }
        } catch {
            throw StoreError(path: path, underlying: error)
        }
    }
}
