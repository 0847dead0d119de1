import CXConfig
import CXStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Whether this node leads: only the leader's scheduler evaluates initiatives.
public final class Leadership: Sendable {
    private let leading: Mutex<Bool>

    /// `leading: true` for a node that is alone by construction (SQLite, the daemon lock).
    public init(leading: Bool) {
        self.leading = Mutex(leading)
    }

    public var isLeader: Bool { leading.withLock { $0 } }

    func set(_ value: Bool) { leading.withLock { $0 = value } }
}

/// One of several `cxd run` processes on a PostgreSQL database. Every `heartbeat`:
/// - a follower tries the leader lock (a session-level advisory lock on a connection of its
///   own); the one that gets it leads, and wakes its scheduler;
/// - the leader checks that its connection still answers; when it does not (the server went
///   away, a partition), it stops leading at once: the server has released, or will release,
///   the lock to another node;
/// - the node writes its heartbeat row (`cxd status` lists the nodes).
/// The same connection listens on `cxd_wake`: a CLI command or another node that changed the
/// store wakes this node's scheduler and dispatcher (PostgreSQL's NOTIFY, instead of SIGUSR1).
///
/// The database going away is not an error of the node: it retries with backoff (up to the
/// heartbeat × 8), logging once per outage, and leads again when it can.
public struct ClusterNode: Service {
    let store: Store
    let record: NodeRecord
    let settings: ClusterSettings
    let leadership: Leadership
    let schedulerWake: WakeSignal
    let dispatcherWake: WakeSignal
    let logger: Logger

    public init(
        store: Store, id: String, settings: ClusterSettings, leadership: Leadership, schedulerWake: WakeSignal,
        dispatcherWake: WakeSignal, logger: Logger, now: Date = Date()
    ) {
        self.store = store
        record = NodeRecord(
            id: id, host: ProcessInfo.processInfo.hostName, pid: Int(ProcessInfo.processInfo.processIdentifier), role: .follower,
            startedAt: now, heartbeatAt: now)
        self.settings = settings
        self.leadership = leadership
        self.schedulerWake = schedulerWake
        self.dispatcherWake = dispatcherWake
        self.logger = logger
    }

    /// The name a node goes by when `cluster.node` gives none.
    public static func defaultID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    public func run() async throws {
        var connection: NodeConnection?
        var listener: Task<Void, Never>?
        var failures = 0
        let wakeBoth: @Sendable () async -> Void = { [schedulerWake, dispatcherWake] in
            await schedulerWake.wake(.changed)
            await dispatcherWake.wake(.changed)
        }
        /// Ends the node connection (and with it any leader lock); the next turn opens another.
        func disconnect() async {
            listener?.cancel()
            await connection?.close()
            connection = nil
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if connection == nil {
                    guard let opened = try await NodeConnection.open(for: store) else { return }
                    connection = opened
                    listener = Task { try? await opened.listen(wakeBoth) }
                    // Whatever changed while this node was cut off: look now.
                    await wakeBoth()
                }
                guard let node = connection else { continue }
                if leadership.isLeader {
                    if await !node.isAlive(within: settings.heartbeat * 2) {
                        stepDown("the leader's connection to the database stopped answering")
                        await disconnect()
                        continue
                    }
                } else if try await node.tryLead() {
                    leadership.set(true)
                    logger.notice("node \(record.id) leads: it evaluates initiatives from now on")
                    await schedulerWake.wake(.changed)
                }
                let beat = beat(leadership.isLeader ? .leader : .follower)
                try await store.write { tx in try tx.heartbeat(beat) }
                if failures > 0 { logger.notice("node \(record.id): the database answers again") }
                failures = 0
            } catch {
                failures += 1
                if leadership.isLeader { stepDown("the database is unavailable") }
                await disconnect()
                if failures == 1 { logger.error("node \(record.id): \(error); retrying with backoff") }
            }
            let pause = failures == 0 ? settings.heartbeat : min(settings.heartbeat * 8, settings.heartbeat * (1 << min(failures, 3)))
            try? await Task.sleep(for: pause)
        }
        listener?.cancel()
        leadership.set(false)
        let last = beat(.stopped)
        try? await store.write { tx in try tx.heartbeat(last) }
        // Closing the connection releases the leader lock at once: another node leads within
        // its next heartbeat instead of waiting for the server to notice.
        await connection?.close()
    }

    private func beat(_ role: NodeRecord.Role) -> NodeRecord {
        var beat = record
        beat.role = role
        beat.heartbeatAt = Date()
        return beat
    }

    private func stepDown(_ reason: String) {
        guard leadership.isLeader else { return }
        leadership.set(false)
        logger.error("node \(record.id) stops leading: \(reason)")
    }
}
