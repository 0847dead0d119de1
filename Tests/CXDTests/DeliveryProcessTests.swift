import CXCore
import CXStore
import CXTestSupport
import Foundation
import Testing

/// Delivery as the real `cxd` binary does it: a daemon killed mid-run, and the outbox listing.
@Suite("Delivery through the cxd process", .serialized)
struct DeliveryProcessTests {
    /// The example project with an exec notifier `chat` that records every payload it gets.
    func project(delivery: String) throws -> (TestProject, received: String) {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.workAroundTheClock()  // the real clock: any day, any hour
        let received = project.folder.file("received.jsonl")
        try project.folder.write("config/plugins/receive.sh", """
            #!/bin/sh
            payload=$(cat)
            printf '%s\\n' "$payload" >> "\(received)"
            # Once 12 have arrived, hold every send until the test releases them: the kill
            # then lands mid-run however slowly a loaded machine runs the test itself.
            while [ ! -e "\(received).release" ] && [ "$(wc -l < "\(received)")" -ge 12 ]; do sleep 0.05; done
            exit 0
            """)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: project.folder.file("config/plugins/receive.sh"))
        try project.edit("config/cxd.yaml") { yaml in
            yaml.replacingOccurrences(of: "routes:\n  default: [log]", with: """
                  chat:
                    type: exec
                    path: plugins/receive.sh
                routes:
                  default: [log]
                \(delivery)
                """)
        }
        return (project, received)
    }

    /// Queues `count` messages for `notifier`, due at `now`.
    func enqueue(_ count: Int, notifier: String, at now: Date, in project: TestProject) throws -> [String] {
        let store = try Store(path: project.databasePath)
        let keys = (1...count).map { "crash-test/\($0)@\(notifier)" }
        let messages = keys.map { key in
            OutboxMessage(
                key: key, initiative: nil, kind: "step.overdue", notifier: notifier, recipient: "mai",
                payload: Data(#"{"id":"\#(key)"}"#.utf8), createdAt: now)
        }
        try store.write { tx in try tx.enqueue(messages) }
        return keys
    }

    func ids(in path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    @Test func aDaemonKilledMidRunResendsAtMostTheBatchesInFlight() async throws {
        let (project, received) = try project(delivery: """
            delivery:
              batch_size: 3
              concurrency: 2
            """)
        let keys = try enqueue(60, notifier: "chat", at: Date(), in: project)
        let dir = project.folder.path

        let first = try CXDProcess.start(["run"], in: dir)
        let started = await CXDProcess.waitFor(timeout: 120) { ids(in: received).count >= 12 }
        #expect(started != nil, "the daemon delivered nothing: \(first.stderr)")
        first.signal(SIGKILL)
        _ = await first.wait(timeout: 10)
        let beforeRestart = ids(in: received).count
        _ = FileManager.default.createFile(atPath: received + ".release", contents: nil)
        #expect(beforeRestart < keys.count, "the daemon was killed too late to test anything")

        let second = try CXDProcess.start(["run"], in: dir)
        let store = try Store(path: project.databasePath)
        let done = await CXDProcess.waitFor(timeout: 120) {
            (try? store.read { tx in try tx.messages(status: .delivered, limit: 1000) }.filter { $0.notifier == "chat" }.count)
                == keys.count
        }
        // SIGTERM once the service group runs (before that the default action would apply).
        _ = await CXDProcess.waitFor(timeout: 120) { second.stderr.contains("cxd running on") }
        second.signal(SIGTERM)
        let stopped = await second.wait(timeout: 20)
        #expect(done != nil, "not everything was delivered: \(second.stderr)")
        #expect(stopped.status == 0)

        let seen = ids(in: received)
        let counts = Dictionary(grouping: seen, by: { $0 }).mapValues(\.count)
        #expect(Set(counts.keys) == Set(keys))
        #expect(seen.count - keys.count <= 3 * 2, "more than the batches in flight were sent twice: \(seen.count - keys.count)")
        // Every send was counted, including those whose outcome the kill lost.
        let rows = try await store.read { tx in try tx.messages(limit: 1000) }.filter { $0.notifier == "chat" }
        for row in rows {
            #expect(row.attempts >= counts[row.key] ?? 0, "\(row.key): \(row.attempts) attempt(s), \(counts[row.key] ?? 0) send(s)")
        }
    }

    @Test func theOutboxListingSaysHowManyItLeftOut() async throws {
        let (project, _) = try project(delivery: "")
        // Due next year: nothing delivers them meanwhile.
        _ = try enqueue(5, notifier: "chat", at: Date().addingTimeInterval(365 * 86_400), in: project)
        let dir = project.folder.path

        let table = try await CXDProcess.run(["outbox", "--limit", "2"], in: dir)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("showing 2 of 5 message(s), oldest first (use --limit or --status to see more)"), "\(table.stdout)")
        let all = try await CXDProcess.run(["outbox"], in: dir)
        #expect(all.stdout.contains("\n5 message(s)"), "\(all.stdout)")

        let json = try await CXDProcess.run(["outbox", "--limit", "2", "--json"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["total"] as? Int == 5)
        #expect(object["shown"] as? Int == 2)
        let rows = try #require(object["messages"] as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String } == ["crash-test/1@chat", "crash-test/2@chat"])
    }
}
