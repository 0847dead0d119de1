import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Which database a store opens.
public enum StoreLocation: Sendable, Equatable {
    /// A SQLite file (the embedded default).
    case sqlite(path: String)
    /// A PostgreSQL database, shared by several `cxd run` nodes.
    case postgres(PostgresSettings)
}

/// How to reach a PostgreSQL database. The password comes from a file or the environment
/// (never the YAML) and never appears in `redactedURL`, logs or errors.
public struct PostgresSettings: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable {
        /// No TLS (loopback, or a network the operator trusts).
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS or no connection (the certificate is verified against the system's roots, or
        /// `caFile`).
        case require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var password: String?
    public var tls: TLSMode
    /// PEM file of the certificate authority to trust instead of the system's.
    public var caFile: String?
    public var connectTimeout: TimeInterval

    public init(
        host: String, port: Int = 5432, user: String, database: String, password: String? = nil, tls: TLSMode = .prefer,
        caFile: String? = nil, connectTimeout: TimeInterval = 5
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.connectTimeout = connectTimeout
    }

    /// `postgres://user@host:port/database?sslmode=…`: what errors and `cxd status` show.
    public var redactedURL: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}

/// The PostgreSQL server could not be reached, or the connection broke mid-transaction.
public struct PostgresUnavailable: Error, CustomStringConvertible {
    public var reason: String

    public var description: String { "the PostgreSQL server is unavailable: \(reason)" }
}

/// The store's PostgreSQL side: a few kept-open connections, and transactions whose bodies run
/// synchronously on a thread pool of the store's own (the same shape as GRDB's queues), so
/// that the store's SQL is written once for both databases.
final class PostgresStore: Sendable {
    let settings: PostgresSettings
    let configuration: PostgresConnection.Configuration
    private let idle = NIOLockedValueBox<[PostgresConnection]>([])
    private let nextID = NIOLockedValueBox(0)
    private let threads: NIOThreadPool
    private let logger: Logger
    /// Connections kept open between transactions.
    static let keptConnections = 6

    /// Connects (lazily) and, unless `migrate` is false, brings the schema up to date (or, for
    /// `.readOnly`, checks that it is).
    init(settings: PostgresSettings, creation: Store.Creation, migrate: Bool = true) throws(StoreError) {
        self.settings = settings
        var logger = Logger(label: "cxd.store.postgres")
        logger.logLevel = .critical
        self.logger = logger
        do {
            configuration = try Self.configuration(settings)
        } catch {
            throw StoreError(path: settings.redactedURL, underlying: error)
        }
        threads = NIOThreadPool(numberOfThreads: Self.keptConnections)
        threads.start()
        guard migrate else { return }
        do {
            if creation == .readOnly {
                let status = try transactionNow(readOnly: true) { tx in try PostgresSchema.status(tx) }
                // An empty database is one no cxd has run on yet, as a missing SQLite file is.
                if status.applied.isEmpty { throw StoreError(path: settings.redactedURL, underlying: StoreProblem.missing) }
                guard status.pending.isEmpty else { throw StoreError(path: settings.redactedURL, underlying: StoreProblem.olderSchema) }
            } else {
                try transactionNow(readOnly: false) { tx in _ = try PostgresSchema.migrate(tx) }
            }
        } catch let error as StoreError {
            shutdownNow()
            throw error
        } catch {
            shutdownNow()
            throw StoreError(path: settings.redactedURL, underlying: error)
        }
    }

    /// Closes the connections and stops the threads, from a thread that may wait.
    func shutdownNow() {
        for connection in takeIdleConnections() { try? connection.close().wait() }
        try? threads.syncShutdownGracefully()
    }

    private static func configuration(_ settings: PostgresSettings) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch settings.tls {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let caFile = settings.caFile {
                tlsConfiguration.trustRoots = .file(caFile)
            }
            // `prefer` settles for plain text when the server offers no TLS, so it cannot
            // promise whom it talks to either: like libpq's, it encrypts without verifying.
            // `require` verifies the server's certificate (system roots or `ca_file`).
            if settings.tls == .prefer { tlsConfiguration.certificateVerification = .none }
            let context = try NIOSSLContext(configuration: tlsConfiguration)
            tls = settings.tls == .require ? .require(context) : .prefer(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: tls)
        configuration.options.connectTimeout = .milliseconds(Int64(settings.connectTimeout * 1000))
        return configuration
    }

    /// Closes `connection` without waiting; it is kept alive until it is closed.
    static func closeSoon(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    deinit {
        for connection in takeIdleConnections() { Self.closeSoon(connection) }
        threads.shutdownGracefully { _ in }
    }

    func close() async {
        for connection in takeIdleConnections() { try? await connection.close() }
        try? await threads.shutdownGracefully()
    }

    // MARK: - Transactions

    /// Runs `body` in one transaction on the store's threads.
    func transaction<T: Sendable>(
        readOnly: Bool, _ body: @escaping @Sendable (StoreTransaction) throws -> T
    ) async throws -> T {
        try await threads.runIfActive { try self.transactionNow(readOnly: readOnly, body) }
    }

    /// Runs `body` in one transaction on the calling thread, which must not be an event loop's
    /// or a Swift concurrency thread (the async form moves there first). A write that met
    /// another writer's change (`StoreConflict`, a serialization failure or a deadlock) runs
    /// again, a few times.
    func transactionNow<T>(readOnly: Bool, _ body: (StoreTransaction) throws -> T) throws -> T {
        var tries = 0
        while true {
            do {
                return try attempt(readOnly: readOnly, body)
            } catch let error where tries < Store.conflictRetries && Self.isRetryable(error) {
                // Database failures arrive named already (`PostgresSession.run`, `acquire`);
                // the body's own errors (a refusal, a conflict retried too often) reach the
                // caller as they are, as with SQLite.
                tries += 1
            }
        }
    }

    private func attempt<T>(readOnly: Bool, _ body: (StoreTransaction) throws -> T) throws -> T {
        let connection = try acquire()
        let session = PostgresSession(connection: connection, logger: logger, readOnly: readOnly, name: settings.redactedURL)
        do {
            // A reader sees one snapshot, as SQLite's WAL readers do.
            _ = try session.run(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", [])
            let result = try body(StoreTransaction(connection: .postgres(session)))
            _ = try session.run("COMMIT", [])
            release(connection)
            return result
        } catch {
            if (error as? StoreError)?.isUnavailable == true {
                // The server went away or stopped answering: the idle connections are likely
                // dead too. Start afresh rather than find out one statement at a time.
                Self.closeSoon(connection)
                for idle in takeIdleConnections() { Self.closeSoon(idle) }
            } else if !connection.isClosed, (try? session.run("ROLLBACK", [])) != nil {
                release(connection)
            } else {
                Self.closeSoon(connection)
            }
            throw error
        }
    }

    private func acquire() throws -> PostgresConnection {
        while let connection = idle.withLockedValue({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextID.withLockedValue { value in
            value += 1
            return value
        }
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            let connecting = PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger)
            return try connecting.wait()
        } catch {
            throw StoreError(path: settings.redactedURL, underlying: Self.classify(error))
        }
    }

    /// The kept connections, handed over to be closed (none kept any more).
    private func takeIdleConnections() -> [PostgresConnection] {
        idle.withLockedValue { connections in
            defer { connections.removeAll() }
            return connections
        }
    }

    private func release(_ connection: PostgresConnection) {
        let kept = idle.withLockedValue { idle -> Bool in
            guard idle.count < Self.keptConnections else { return false }
            idle.append(connection)
            return true
        }
        if !kept { Self.closeSoon(connection) }
    }

    // MARK: - Errors

    /// `body`'s errors as `StoreError`s naming this database.
    func storeErrors<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: settings.redactedURL, underlying: error)
        }
    }

    /// SQLSTATEs after which the transaction may simply run again: serialization failure,
    /// deadlock detected.
    static func isRetryable(_ error: any Error) -> Bool {
        if error is StoreConflict { return true }
        let underlying = (error as? StoreError)?.underlying ?? error
        guard let error = underlying as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// Connection failures become `PostgresUnavailable` (callers retry with backoff); server
    /// errors stay `PSQLError` (described by `describe`).
    static func classify(_ error: any Error) -> any Error {
        if let error = error as? PSQLError {
            switch error.code {
            case .server, .queryCancelled:
                // 08…: connection exceptions; 57P01–57P03: the server shuts down or starts up.
                if let state = error.serverInfo?[.sqlState], state.hasPrefix("08") || state.hasPrefix("57P") {
                    return PostgresUnavailable(reason: describe(error))
                }
                return error
            default:
                return PostgresUnavailable(reason: describe(error))
            }
        }
        if error is PostgresUnavailable { return error }
        if error is IOError || error is ChannelError || error is NIOConnectionError {
            return PostgresUnavailable(reason: "\(error)")
        }
        return error
    }

    /// A server error as the server said it (`message (SQLSTATE)`), or the connection failure:
    /// never the query's bindings.
    static func describe(_ error: PSQLError) -> String {
        if let info = error.serverInfo, let message = info[.message] {
            var text = message
            if let detail = info[.detail] { text += " (\(detail))" }
            if let state = info[.sqlState] { text += " [SQLSTATE \(state)]" }
            return text
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
