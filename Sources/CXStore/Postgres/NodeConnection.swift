import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A node's own connection to PostgreSQL, apart from the store's: it holds the leader lock (a
/// session-level advisory lock, released by the server when this connection ends, however it
/// ends) and listens for wake-ups (`LISTEN cxd_wake`).
///
/// The server is told to probe the connection with TCP keepalives every few seconds, so that
/// a leader cut off by a partition (or a machine that vanished without closing its sockets)
/// loses the lock within `keepaliveIdle + keepaliveInterval × keepaliveCount` seconds, and
/// another node leads.
public final class NodeConnection: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// The advisory lock key of leadership (`cxd` and "lead" in one 64-bit number).
    static let leaderKey: Int64 = 0x6378_6400_0000_0002
    static let keepaliveIdle = 3
    static let keepaliveInterval = 1
    static let keepaliveCount = 3

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Opens a node connection to the store's database; nil on SQLite (one node, no election).
    public static func open(for store: Store) async throws -> NodeConnection? {
        guard case .postgres(let postgres) = store.backend else { return nil }
        var logger = Logger(label: "cxd.node")
        logger.logLevel = .critical
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: postgres.connectionConfiguration, id: 0,
                logger: logger)
            let node = NodeConnection(connection: connection, logger: logger)
            try await node.run(
                "SET tcp_keepalives_idle = \(keepaliveIdle); SET tcp_keepalives_interval = \(keepaliveInterval); "
                    + "SET tcp_keepalives_count = \(keepaliveCount)")
            return node
        } catch {
            throw StoreError(path: store.path, underlying: PostgresStore.classify(error))
        }
    }

    private func run(_ sql: String) async throws {
        for statement in sql.split(separator: ";") {
            _ = try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger).get()
        }
    }

    /// Takes the leader lock if no other node holds it; true when this node leads (then it
    /// keeps leading until this connection ends).
    public func tryLead() async throws -> Bool {
        let rows = PostgresSession.waitBoundedAsync(
            connection.query(PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(\(Self.leaderKey))"), logger: logger),
            on: connection)
        return try await rows.get().rows.first?.decode(Bool.self) ?? false
    }

    /// Whether the connection still answers within `timeout`: a node that cannot reach the
    /// server must stop acting as leader (the server will give the lock to another).
    public func isAlive(within timeout: Duration) async -> Bool {
        guard !connection.isClosed else { return false }
        let (seconds, attoseconds) = timeout.components
        let answer = PostgresSession.waitBoundedAsync(
            connection.query(PostgresQuery(unsafeSQL: "SELECT 1"), logger: logger), on: connection,
            within: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        return (try? await answer.get()) != nil
    }

    /// Calls `wake` for every notification on the wake channel until the connection ends or
    /// the task is cancelled.
    public func listen(_ wake: @escaping @Sendable () async -> Void) async throws {
        try await connection.listen(on: StoreTransaction.wakeChannel) { notifications in
            for try await _ in notifications { await wake() }
        }
    }

    /// Runs `body` while holding the reconcile lock: nodes starting together bring the store in
    /// line with the YAML one after the other (the second finds it done), instead of racing
    /// on every initiative.
    public func whileReconciling<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await run("SELECT pg_advisory_lock(\(Self.reconcileKey))")
        do {
            let result = try await body()
            try await run("SELECT pg_advisory_unlock(\(Self.reconcileKey))")
            return result
        } catch {
            try? await run("SELECT pg_advisory_unlock(\(Self.reconcileKey))")
            throw error
        }
    }

    /// The advisory lock key of start-up reconciles.
    static let reconcileKey: Int64 = 0x6378_6400_0000_0003

    /// Ends the connection: the server releases the leader lock at once.
    public func close() async {
        try? await connection.close()
    }
}

extension PostgresStore {
    var connectionConfiguration: PostgresConnection.Configuration { configuration }
}
