@testable import CXStore
import CXTestSupport
import Foundation
import GRDB
import Testing

/// `cxd db status` and `cxd db migrate`: the named migrations a database has, and applying the
/// rest, on a database an older cxd left behind (migrated up to v8).
@Suite("Named migrations: status and migrate")
struct MigrationTests {
    let folder = TemporaryDirectory("cxd-migrations")
    static let v8 = "v8: audit entries by kind, follow-ups by initiative and wake"

    func olderDatabase() throws -> String {
        let path = folder.file("cxd.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: Self.v8)
        return path
    }

    @Test func anOlderDatabaseListsWhatIsPendingAndMigrateAppliesIt() throws {
        let path = try olderDatabase()
        let before = try Store.migrationStatus(at: path)
        #expect(before.applied.last == Self.v8)
        #expect(before.applied.count == 8)
        #expect(before.pending == Array(Schema.migrator.migrations.dropFirst(8)))
        #expect(!before.pending.isEmpty)
        // Reading the status wrote nothing.
        #expect(try Store.migrationStatus(at: path) == before)

        let applied = try Store.migrate(at: path)
        #expect(applied == before.pending)
        let after = try Store.migrationStatus(at: path)
        #expect(after.pending.isEmpty)
        #expect(after.applied == Schema.migrator.migrations)
        #expect(try Store.migrate(at: path).isEmpty)
    }

    @Test func aMigrationOfANewerCxdIsNamedAsUnknown() throws {
        let path = folder.file("cxd.sqlite")
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        let status = try Store.migrationStatus(at: path)
        #expect(status.unknown == ["v99: from the future"])
        #expect(status.pending.isEmpty)
    }

    @Test func aMissingDatabaseIsAnErrorNotANewFile() {
        let path = folder.file("nowhere.sqlite")
        #expect(throws: StoreError.self) { _ = try Store.migrationStatus(at: path) }
        #expect(throws: StoreError.self) { try Store.migrate(at: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
