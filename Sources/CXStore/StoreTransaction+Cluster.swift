import Foundation

/// A `cxd run` process on this database, as its last heartbeat left it.
public struct NodeRecord: Sendable, Equatable {
    public enum Role: String, Sendable {
        /// Evaluates initiatives (exactly one at a time) and dispatches.
        case leader
        /// Dispatches, and takes over when the leader goes.
        case follower
        /// Stopped cleanly.
        case stopped
    }

    public var id: String
    public var host: String
    public var pid: Int
    public var role: Role
    public var startedAt: Date
    public var heartbeatAt: Date

    public init(id: String, host: String, pid: Int, role: Role, startedAt: Date, heartbeatAt: Date) {
        self.id = id
        self.host = host
        self.pid = pid
        self.role = role
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
    }
}

extension StoreTransaction {
    /// Records `node`'s heartbeat (and role); forgets nodes silent for longer than `forgetAfter`.
    public func heartbeat(_ node: NodeRecord, forgetAfter: TimeInterval = 86_400) throws {
        try execute(
            sql: """
                INSERT INTO node (id, host, pid, role, startedAt, heartbeatAt) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET host = excluded.host, pid = excluded.pid, role = excluded.role,
                  startedAt = excluded.startedAt, heartbeatAt = excluded.heartbeatAt
                """,
            arguments: [node.id, node.host, node.pid, node.role.rawValue, node.startedAt, node.heartbeatAt])
        try execute(sql: "DELETE FROM node WHERE heartbeatAt < ?", arguments: [node.heartbeatAt.addingTimeInterval(-forgetAfter)])
    }

    /// Every node that reported, most recent heartbeat first.
    public func nodes() throws -> [NodeRecord] {
        try fetch("SELECT id, host, pid, role, startedAt, heartbeatAt FROM node ORDER BY heartbeatAt DESC, id") { row in
            NodeRecord(
                id: row[0], host: row[1], pid: row[2], role: NodeRecord.Role(rawValue: row[3]) ?? .follower,
                startedAt: row[4], heartbeatAt: row[5])
        }
    }

    /// Tells every node listening (PostgreSQL's LISTEN/NOTIFY, at commit) that the store
    /// changed: the leader evaluates, dispatchers look for new messages. Nothing on SQLite,
    /// where the one daemon is woken by a signal.
    public func notifyNodes() throws {
        guard dialect == .postgres else { return }
        try execute(sql: "SELECT pg_notify('\(Self.wakeChannel)', '')")
    }

    /// The channel nodes LISTEN on.
    public static let wakeChannel = "cxd_wake"
}
