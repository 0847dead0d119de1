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
        subcommands: [DatabaseStatus.self, DatabaseMigrate.self, DatabaseCopy.self], defaultSubcommand: DatabaseStatus.self)
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

struct DatabaseCopy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole installation to another database (SQLite to PostgreSQL, or back), verified table by table.",
        discussion: """
            Every table is copied with its ids: initiatives, step runs, the audit log, the \
            outbox, survey rounds, answers and tallies, follow-ups, used links, calendar feeds, \
            the installation id and the link key (so message ids, one-click links and calendar \
            URLs stay valid). The destination must be new and empty (its schema is created); \
            it is written in one transaction, so a failed copy leaves it as it was. Then each \
            table is read back from both databases and compared by row count and SHA-256. \
            Stop every daemon on the source first.

            A location is `sqlite:PATH` (or a plain path) or a postgres:// URL; the password of \
            a PostgreSQL side comes from --from-password-file/--from-password-env or \
            --to-password-file/--to-password-env, never from the URL.

              cxd db copy --from sqlite:state/cxd.sqlite \\
                --to postgres://cxd@db.example.com:5432/cxd?sslmode=require --to-password-file /etc/cxd/pg-password
            """)

    @Option(help: ArgumentHelp("The database to copy from.", valueName: "sqlite:PATH | postgres://…")) var from: String
    @Option(help: ArgumentHelp("The new, empty database to copy to.", valueName: "sqlite:PATH | postgres://…")) var to: String
    @Option(help: ArgumentHelp("A file holding the source's PostgreSQL password.", valueName: "file")) var fromPasswordFile: String?
    @Option(help: ArgumentHelp("An environment variable holding the source's PostgreSQL password.", valueName: "name"))
    var fromPasswordEnv: String?
    @Option(help: ArgumentHelp("A file holding the destination's PostgreSQL password.", valueName: "file")) var toPasswordFile: String?
    @Option(help: ArgumentHelp("An environment variable holding the destination's PostgreSQL password.", valueName: "name"))
    var toPasswordEnv: String?

    func run() async throws {
        let source = try Self.location(from, option: "--from", passwordFile: fromPasswordFile, passwordEnv: fromPasswordEnv)
        let destination = try Self.location(to, option: "--to", passwordFile: toPasswordFile, passwordEnv: toPasswordEnv)
        if case .sqlite(let path) = source, let pid = DaemonLock.runningDaemon(database: path) {
            CommandContext.printError("cxd: a daemon (process \(pid)) runs on \(path); stop it before copying its database")
            throw ExitStatus.runtimeFailure
        }
        if case .sqlite(let path) = destination, FileManager.default.fileExists(atPath: path) {
            CommandContext.printError("cxd: --to \(path) exists; copy into a new file (or a new, empty PostgreSQL database)")
            throw ExitStatus.dataError
        }
        do {
            let from = try Store(location: source, creation: .readOnly)
            let into = try Store(location: destination, creation: .createIfMissing)
            let started = Date()
            let tables = try StoreCopy.copy(from: from, to: into)
            print("copied \(from.path) to \(into.path) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s, verified:")
            let rows = tables.map { table in
                [Table.Cell(table.table), Table.Cell(String(table.destinationRows)), Table.Cell(String(table.destinationChecksum.prefix(16))),
                 Table.Cell(table.matches ? "ok" : "MISMATCH", table.matches ? .green : .red)]
            }
            print(Table(headers: ["TABLE", "ROWS", "SHA-256 (both)", "CHECK"], rows: rows).render())
            await from.close()
            await into.close()
        } catch let error as ExitCode {
            throw error
        } catch {
            if case .sqlite(let path) = destination, true {
                // A SQLite destination this command created holds nothing worth keeping.
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            CommandContext.printError("cxd: \(error)")
            throw ExitStatus.runtimeFailure
        }
    }

    /// `sqlite:PATH`, a plain path, or a postgres:// URL (its password from a file or variable).
    static func location(_ text: String, option: String, passwordFile: String?, passwordEnv: String?) throws -> StoreLocation {
        guard PostgresURL.isPostgres(text) else {
            if passwordFile != nil || passwordEnv != nil {
                CommandContext.printError("cxd: \(option) names a SQLite file: a password option makes no sense for it")
                throw ExitStatus.runtimeFailure
            }
            let path = text.hasPrefix("sqlite:") ? String(text.dropFirst("sqlite:".count)) : text
            return .sqlite(path: URL(fileURLWithPath: path).standardizedFileURL.path)
        }
        switch PostgresURL.parse(text) {
        case .failure(let problem):
            CommandContext.printError("cxd: \(option): \(problem)")
            throw ExitStatus.runtimeFailure
        case .success(var url):
            do {
                url.password = try SecretSource.read(
                    "\(option)-password", path: passwordFile, variable: passwordEnv, environment: ProcessInfo.processInfo.environment)
            } catch {
                CommandContext.printError("cxd: \(error.message)")
                throw ExitStatus.runtimeFailure
            }
            return StoreLocation(.postgres(url))
        }
    }
}
