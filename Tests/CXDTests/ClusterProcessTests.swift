import CXTestSupport
import Foundation
import Testing

/// Several real `cxd run` processes on one PostgreSQL database, driven by
/// `scripts/cluster/cluster.py` (which starts a throwaway PostgreSQL 15 cluster of its own, a
/// loopback webhook receiver and the nodes, and reports what the receiver and the database
/// saw as JSON). The same script measures the README's figures.
@Suite("Several nodes on PostgreSQL: bursts, failover, outage, copy", .serialized)
struct ClusterProcessTests {
    struct Check: Decodable {
        var missing: Int
        var duplicates: Int
        var overlapping: Int
        var unexpected: Int
    }

    struct Outcome: Decodable {
        var nodes: Int?
        var messages: Int?
        var delivered: Int?
        var requests: Int?
        var complete: Bool?
        var check: Check?
        var auditProblems: [String]?
        var nodesAlive: Int?
        var senders: [String: Int]?
        var statusLeaderLine: String?
        var statusNodesListed: Int?
        var failoverS: Double?
        var newLeader: String?
        var firstLeader: String?
        var aliveDuringOutage: Int?
        var outbox: [String: Int]?
        // copy
        var sqliteRun: Int?
        var copyStatus: Int?
        var copyOutput: String?
        var postgresRun: Int?
        var postgresOutput: String?
        var deliveredBefore: Int?
        var deliveredAfter: Int?
        var kindsAfterCopy: [String: Int]?
        var pending: Int?
        var registeredTwice: Int?
    }

    func run(_ arguments: [String], timeout: TimeInterval = 600) async throws -> (Outcome, String) {
        let folder = TemporaryDirectory("cxd-cluster")
        let script = repositoryRoot().appendingPathComponent("scripts/cluster/cluster.py").path
        let result = try await ExternalTool("python3", package: "python3").run(
            // Niced: the scenario's nodes, database and receiver yield the CPU to the other tests
            // running beside it (their deadlines are real time; the scenario's are generous).
            [script, "--cxd", CXDProcess.executable.path, "--workdir", folder.file("work"), "--nice", "10"] + arguments,
            timeout: timeout)
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw ScenarioFailed(output: result.stdout + result.stderr)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try decoder.decode(Outcome.self, from: Data(line.utf8)), result.stderr)
    }

    struct ScenarioFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { "the scenario failed:\n\(output)" }
    }

    @Test("a burst of 5,000 due reminders through 2 and 3 nodes: every key delivered once, every node sending",
          arguments: [2, 3])
    func burst(nodes: Int) async throws {
        let (outcome, log) = try await run(["--messages", "5000", "--timeout", "300", "burst", "--nodes", "\(nodes)"])
        #expect(outcome.complete == true, "\(log)")
        #expect(outcome.delivered == 5000)
        #expect(outcome.requests == 5000, "no key sent twice")
        #expect(outcome.check?.missing == 0 && outcome.check?.duplicates == 0 && outcome.check?.unexpected == 0)
        #expect(outcome.auditProblems == [])
        #expect(outcome.nodesAlive == nodes)
        #expect(outcome.senders?.count == nodes, "every node delivered some: \(outcome.senders ?? [:])")
        // `cxd status` lists every node and names the leader.
        #expect(outcome.statusNodesListed == nodes)
        #expect(outcome.statusLeaderLine == "leader: \(outcome.firstLeader ?? "?")")
    }

    @Test("the leader killed mid-burst: another leads within 10 s, nothing is lost, redeliveries never overlap, the audit log has no gap or double")
    func failover() async throws {
        let (outcome, log) = try await run(["--messages", "5000", "--timeout", "300", "failover"])
        #expect(outcome.complete == true, "\(log)")
        let failover = try #require(outcome.failoverS, "no node took over: \(log)")
        #expect(failover < 10)
        #expect(outcome.newLeader != nil && outcome.newLeader != outcome.firstLeader)
        #expect(outcome.delivered == 5000)
        #expect(outcome.check?.missing == 0 && outcome.check?.overlapping == 0 && outcome.check?.unexpected == 0)
        #expect(outcome.auditProblems == [])
        #expect(outcome.outbox == ["delivered": 5000])
    }

    @Test("the database away for 30 s mid-burst: the nodes keep running, retry, and deliver everything")
    func outage() async throws {
        let (outcome, log) = try await run(["--messages", "2000", "--timeout", "300", "--outage", "30", "outage"])
        #expect(outcome.aliveDuringOutage == 2, "\(log)")
        #expect(outcome.nodesAlive == 2)
        #expect(outcome.complete == true)
        #expect(outcome.delivered == 2000)
        #expect(outcome.check?.missing == 0 && outcome.check?.overlapping == 0 && outcome.check?.unexpected == 0)
        #expect(outcome.auditProblems == [])
    }

    @Test("db copy from a SQLite installation, then a node on PostgreSQL carries on from its history")
    func copyThenCarryOn() async throws {
        let (outcome, log) = try await run(["copy"], timeout: 300)
        #expect(outcome.sqliteRun == 0, "\(log)")
        #expect(outcome.copyStatus == 0, "\(outcome.copyOutput ?? "")")
        #expect(outcome.copyOutput?.contains("MISMATCH") == false)
        #expect(outcome.postgresRun == 0, "\(outcome.postgresOutput ?? "")")
        #expect(outcome.deliveredBefore == 200, "the first day's 40 × 5 notifications")
        // Eight days later every first step is overdue: the reminders found late go out as one
        // digest per person and notifier (20 people × 5).
        let queued = (outcome.kindsAfterCopy ?? [:]).values.reduce(0, +)
        #expect(queued == 100, "\(outcome.kindsAfterCopy ?? [:])")
        #expect(outcome.deliveredAfter == 200 + queued)
        #expect(outcome.pending == 0)
        #expect(outcome.registeredTwice == 0, "the copied history is carried on, not started again")
    }
}
