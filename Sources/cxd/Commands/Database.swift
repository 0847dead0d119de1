import ArgumentParser
import CXConfig
import CXDaemon
import CXEngine
import CXStore
import Foundation

struct Database: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The database's schema: its named migrations, and applying them.",
        subcommands: [DatabaseStatus.self, DatabaseMigrate.self], defaultSubcommand: DatabaseStatus.self)
}

struct DatabaseStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "List the migrations applied to the database and those still to apply.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try CommandContext.loadConfiguration(options)
        let path = configuration.databasePath
        let status: MigrationStatus
        do {
            status = try Store.migrationStatus(at: StoreLocation(configuration.database))
        } catch {
            CommandContext.printError("cxd: \(error)")
            throw ExitStatus.runtimeFailure
        }
        print("database \(path)")
        for name in status.applied { print("  applied  \(name)") }
        for name in status.pending { print("  pending  \(name)") }
        for name in status.unknown { print("  unknown  \(name) (applied by a newer cxd)") }
        if status.pending.isEmpty {
            print("up to date: \(status.applied.count) migration(s) applied")
        } else {
            print("\(status.pending.count) migration(s) to apply: `cxd db migrate` (or the next `cxd run`) applies them")
        }
    }
}

struct DatabaseMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database's pending migrations.",
        discussion: """
            Refused while a daemon runs on the database: stop it first (a new cxd migrates when \
            it starts, too). Each migration runs in a transaction of its own; back the database \
            up first (`sqlite3 state/cxd.sqlite ".backup backup.sqlite"`).
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try CommandContext.loadConfiguration(options)
        let path = configuration.databasePath
        do {
            let location = StoreLocation(configuration.database)
            let status = try Store.migrationStatus(at: location)
            guard !status.pending.isEmpty else {
                print("up to date: \(status.applied.count) migration(s) applied")
                return
            }
            // On PostgreSQL, nodes take turns on an advisory lock to migrate: one that starts
            // meanwhile waits for this one.
            if case .sqlite = location, let pid = DaemonLock.runningDaemon(database: path) {
                CommandContext.printError(
                    "cxd: a daemon (process \(pid)) runs on \(path); stop it before migrating (it migrated its own schema when it started)")
                throw ExitStatus.runtimeFailure
            }
            for name in try Store.migrate(at: location) { print("applied  \(name)") }
        } catch let error as ExitCode {
            throw error
        } catch {
            CommandContext.printError("cxd: \(error)")
            throw ExitStatus.runtimeFailure
        }
    }
}
