import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import CXSurveys
import Foundation

/// Exit statuses, as documented in the README.
enum ExitStatus {
    static let runtimeFailure = ExitCode(1)
    static let dataError = ExitCode(65)
}

/// Loading and error reporting shared by the commands: the commands parse and print, the
/// libraries do the work.
enum CommandContext {
    /// Loads the configuration. Commands read only the main, people and workflow files
    /// (`.none`): the engine reads the initiative files that changed and takes the others'
    /// definitions from its store. `cxd validate` reads them all. `checkingNotifiers` builds
    /// every notifier too (`validate`, `run`): unreadable secrets and broken templates are
    /// reported with the YAML's problems, each at its option's key.
    static func loadConfiguration(
        _ options: GlobalOptions, initiatives: InitiativeLoading = .none, checkingNotifiers: Bool = false
    ) throws -> Configuration {
        guard FileManager.default.fileExists(atPath: options.config) else {
            printError(noProject(options.config))
            throw ExitStatus.dataError
        }
        let registry = NotifierRegistry.standard
        do {
            return try ConfigurationLoader.load(
                from: options.config, notifierTypes: registry.schemas, initiatives: initiatives,
                checkingNotifiers: checkingNotifiers ? registry.check() : nil)
        } catch {
            printError(error.description)
            let count = error.diagnostics.count
            printError("\(count) error\(count == 1 ? "" : "s") in the configuration; nothing was changed")
            throw ExitStatus.dataError
        }
    }

    /// What to say when the configuration file is not there: outside a project (the default
    /// path), where a project is and how to start one; else that the named file is missing.
    static func noProject(_ config: String) -> String {
        guard config == GlobalOptions.defaultConfig else { return "cxd: -c \(config): no such file" }
        let folder = FileManager.default.currentDirectoryPath
        return """
            cxd: no cxd project here: \(config) does not exist in \(folder).
            Run cxd in a project's folder, name its configuration with -c FILE, or start a project \
            with `cxd init FOLDER` (see the README's quick start).
            """
    }

    /// Builds notifiers; a setup problem (unreadable secret, bad template) is bad input data.
    static func makeNotifiers(_ configs: [NotifierConfig]) throws -> [String: any Notifier] {
        do {
            return try NotifierRegistry.standard.make(configs)
        } catch {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        }
    }

    /// Loads the configuration and opens its database. Only the daemon (its first start) may
    /// create the database: a command that changes state on a database that is not there
    /// refuses, so that it never writes into a new, empty file while the real one was deleted
    /// or moved; the overviews open it read-only and never take the write lock.
    static func openEngine(
        _ options: GlobalOptions, creation: Store.Creation = .mustExist, checkingNotifiers: Bool = false
    ) throws -> Engine {
        let configuration = try loadConfiguration(options, checkingNotifiers: checkingNotifiers)
        return try openEngine(configuration, creation: creation)
    }

    /// What the overviews (`status`, `plan`) read: the store, opened read-only, or — before a
    /// first run created it — every initiative the YAML declares. Nothing is created.
    enum Overview {
        case stored(Engine)
        case declared(Configuration)

        var configuration: Configuration {
            switch self {
            case .stored(let engine): engine.configuration
            case .declared(let configuration): configuration
            }
        }
    }

    static func openOverview(_ options: GlobalOptions) throws -> Overview {
        let configuration = try loadConfiguration(options)
        guard Store.exists(configuration.database) else {
            return .declared(try loadConfiguration(options, initiatives: .all))
        }
        return .stored(try openEngine(configuration, creation: .readOnly))
    }

    static func openEngine(_ configuration: Configuration, creation: Store.Creation) throws -> Engine {
        do {
            return Engine(
                configuration: configuration, store: try Store(location: StoreLocation(configuration.database), creation: creation))
        } catch {
            printError("cxd: \(error)")
            throw ExitStatus.runtimeFailure
        }
    }

    /// Runs `body`, turning library errors into messages and the documented exit statuses.
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as TransitionError {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        } catch let error as EngineError {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        } catch let error as ImportError {
            printError(error.description)
            throw ExitStatus.dataError
        } catch let error as ImportFileChanged {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        } catch let error as ResponseSource.ReadFailure {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        } catch let error as WebRefusal {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        } catch let error as SurveyError {
            printError("cxd: \(error)")
            throw ExitStatus.dataError
        } catch let error as ConfigurationError {
            // An initiative file read by the engine (it changed since it was last read).
            printError(error.description)
            let count = error.diagnostics.count
            printError("\(count) error\(count == 1 ? "" : "s") in the configuration; nothing was changed")
            throw ExitStatus.dataError
        } catch {
            printError("cxd: \(error)")
            throw ExitStatus.runtimeFailure
        }
    }

    /// Applies a person's action, then wakes the daemon so it takes effect at once.
    static func apply(
        _ event: InitiativeEvent, to id: InitiativeID, options: GlobalOptions, engine opened: Engine? = nil
    ) async throws -> Engine {
        let engine = try opened ?? openEngine(options)
        try await reporting {
            try await engine.reconcile(id, at: options.instant)
            try await engine.apply(event, to: id, at: options.instant)
        }
        await wakeDaemons(engine)
        return engine
    }

    /// Tells the daemon the store changed: SIGUSR1 to the one daemon on a SQLite file; NOTIFY
    /// to every node on PostgreSQL (the leader evaluates, each dispatcher looks).
    static func wakeDaemons(_ engine: Engine) async {
        if engine.store.isPostgres {
            try? await engine.store.write { tx in try tx.notifyNodes() }
        } else {
            DaemonLock.wakeDaemon(database: engine.configuration.databasePath)
        }
    }

    /// Writes `text` on stderr; under systemd, where stderr is the journal, at error priority.
    static func printError(_ text: String) {
        let lines = JournalStream.isStandardError ? JournalStream.prefixed(text, priority: 3) : text + "\n"
        FileHandle.standardError.write(Data(lines.utf8))
    }
}
