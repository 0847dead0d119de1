import CXTestSupport
import Foundation
import Testing

/// Commands touch what they name: the overviews only read the database, and a command on one
/// initiative reads that initiative's file, not the others.
@Suite("Commands touch what they name")
struct ProportionalCommandTests {
    @Test func theOverviewsLeaveTheDatabaseByteForByteAsItWas() async throws {
        let project = try TestProject()
        let dir = project.folder.path
        let once = try await CXDProcess.run(["run", "--once", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(once.status == 0, "\(once.stderr)")
        let before = try Self.snapshot(project.databasePath)
        for command in [
            ["status"], ["status", "pos-checkout"], ["status", "--json"], ["history", "pos-checkout"],
            ["plan", "--days", "30"], ["plan", "--initiative", "pos-checkout"], ["outbox"], ["followups", "list"],
            ["journey", "pos-checkout"], ["routes", "test", "--event", "overdue", "--initiative", "pos-checkout"],
        ] {
            let result = try await CXDProcess.run(command + ["--now", "2026-12-02T02:00:00Z"], in: dir)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let validate = try await CXDProcess.run(["validate"], in: dir)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(try Self.snapshot(project.databasePath) == before, "a read-only command changed the database")
    }

    @Test func statusPlanRoutesAndValidateBeforeTheFirstRunCreateNothing() async throws {
        let project = try TestProject()
        let dir = project.folder.path
        let status = try await CXDProcess.run(["status", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("unregistered"))
        let plan = try await CXDProcess.run(["plan", "--days", "10", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("pos-checkout"))
        let routes = try await CXDProcess.run(
            ["routes", "test", "--event", "escalated", "--initiative", "pos-checkout", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(routes.status == 0, "\(routes.stderr)")
        #expect(routes.stdout.contains("level 2"))
        let validate = try await CXDProcess.run(["validate"], in: dir)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.databasePath))
        #expect(!FileManager.default.fileExists(atPath: project.databasePath + "-wal"))
    }

    @Test func aCommandOnOneInitiativeReadsOnlyItsFile() async throws {
        let project = try TestProject()
        let dir = project.folder.path
        let once = try await CXDProcess.run(["run", "--once", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(once.status == 0, "\(once.stderr)")
        // Another initiative's file is broken meanwhile…
        try project.folder.write("config/initiatives/support-effort.yaml", "id: support-effort\ntitle: [unclosed\n")
        // …which does not concern a command on pos-checkout, nor the overviews…
        let complete = try await CXDProcess.run(
            ["complete", "pos-checkout", "--by", "hung", "--now", "2026-11-24T03:00:00Z"], in: dir)
        #expect(complete.status == 0, "\(complete.stderr)")
        let status = try await CXDProcess.run(["status", "pos-checkout", "--json", "--now", "2026-11-24T03:00:00Z"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"step\" : \"journey\""))
        // …but a command on it, the daemon and `validate` report it at its place.
        for command in [["ack", "support-effort"], ["run", "--once"], ["validate"]] {
            let result = try await CXDProcess.run(command + (command == ["validate"] ? [] : ["--now", "2026-11-24T04:00:00Z"]), in: dir)
            #expect(result.status == 65, "\(command): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("config/initiatives/support-effort.yaml:"), "\(command): \(result.stderr)")
        }
    }

    @Test func theSameConfigurationNamedAnotherWayIsNotReadAgain() async throws {
        let project = try TestProject()
        let dir = project.folder.path
        let relative = try await CXDProcess.run(["run", "--once", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(relative.status == 0, "\(relative.stderr)")
        // An initiative file changed in a way its size and modification time do not show: it
        // is read again only if the run takes the configuration for another one.
        let path = project.folder.file("config/initiatives/support-effort.yaml")
        try UnseenEdit.breakKeepingSizeAndTime(path)
        let absolute = try await CXDProcess.run(
            ["run", "--once", "-c", project.configPath, "--now", "2026-11-24T03:00:00Z"], in: dir)
        #expect(absolute.status == 0, "the configuration named by its absolute path was read again: \(absolute.stderr)")
    }

    /// The bytes of the database and its write-ahead log.
    static func snapshot(_ path: String) throws -> [Data] {
        try [path, path + "-wal"].map { file in
            FileManager.default.fileExists(atPath: file) ? try Data(contentsOf: URL(fileURLWithPath: file)) : Data()
        }
    }
}
