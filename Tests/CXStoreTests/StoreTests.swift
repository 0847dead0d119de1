import CXCore
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("SQLite store")
struct StoreTests {
    let folder = TemporaryDirectory("cxd-store")

    func message(_ key: String, at date: Date) -> OutboxMessage {
        OutboxMessage(
            key: key, initiative: "pos", kind: "step.overdue", notifier: "log", recipient: "lan",
            payload: Data("{}".utf8), createdAt: date)
    }

    @Test func theSameNotificationIsNeverQueuedTwice() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        let now = instant("2026-12-01T02:00:00Z")
        let first = try store.write { tx in try tx.enqueue([message("a", at: now), message("b", at: now)]) }
        let again = try store.write { tx in try tx.enqueue([message("a", at: now), message("c", at: now)]) }
        #expect(first == 2)
        #expect(again == 1)
        #expect(try store.read { tx in try tx.messages() }.map(\.key) == ["a", "b", "c"])
    }

    @Test func stateEffectsAndAuditLogLandTogetherOrNotAtAll() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        let now = instant("2026-12-01T02:00:00Z")
        var state = InitiativeState(id: "pos")
        state.phase = .active
        let run = StepRun(number: 1, stepID: "scope", cycle: 1, owner: "lan", startedAt: now, dueAt: now + 86_400)
        state.openRun = run
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                try tx.save(state, title: "POS", workflow: "w", effects: [.runOpened(run), .record(AuditEntry(kind: "step.started", at: now, cycle: 1))], at: now)
                try tx.enqueue([message("x", at: now)])
                throw Boom()
            }
        }
        #expect(try store.read { tx in try tx.initiatives() }.isEmpty)
        #expect(try store.read { tx in try tx.messages() }.isEmpty)

        try store.write { tx in
            try tx.save(state, title: "POS", workflow: "w", effects: [.runOpened(run), .record(AuditEntry(kind: "step.started", at: now, cycle: 1))], at: now)
        }
        let record = try #require(try store.read { tx in try tx.initiative("pos") })
        #expect(record.state == state)
        #expect(try store.read { tx in try tx.stepRuns(of: "pos") }.map(\.step) == ["scope"])
        #expect(try store.read { tx in try tx.events(of: "pos") }.map(\.entry.kind) == ["step.started"])
    }

    @Test("a lane's selection leaves out the ids given; claims count an attempt on pending messages only; a batch's deliveries are recorded together")
    func laneSelectionClaimsAndDeliveries() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        let now = instant("2026-12-01T02:00:00Z")
        try store.write { tx in try tx.enqueue((1...5).map { message("m\($0)", at: now) }) }
        let ids = try store.read { tx in try tx.messages() }.compactMap(\.id)
        try store.write { tx in try tx.recordDead(ids[4], error: "gone") }

        let due = try store.read { tx in try tx.dueMessages(notifier: "log", at: now, excluding: [ids[0], ids[2]], limit: 10) }
        #expect(due.map(\.message.key) == ["m2", "m4"])
        #expect(due.allSatisfy { $0.message.payload == Data("{}".utf8) && $0.ageStartedAt == now && $0.attemptsSinceRetry == 0 })

        try store.write { tx in try tx.claim(ids, at: now) }
        try store.write { tx in try tx.recordDelivered([ids[1], ids[3]], at: now) }

        let messages = try store.read { tx in try tx.messages() }
        #expect(messages.map(\.attempts) == [1, 1, 1, 1, 0])
        #expect(messages.map(\.status) == [.pending, .delivered, .pending, .delivered, .dead])
        #expect(messages.map(\.deliveredAt) == [nil, now, nil, now, nil])
        #expect(try store.read { tx in try tx.nextAttemptAt(notifier: "log", excluding: [ids[0]]) } == now)
        #expect(try store.read { tx in try tx.nextAttemptAt(notifier: "log", excluding: [ids[0], ids[2]]) } == nil)
    }

    @Test func theAuditLogIsAppendOnly() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        let now = instant("2026-12-01T02:00:00Z")
        try store.write { tx in
            try tx.save(InitiativeState(id: "pos"), title: "POS", workflow: "w", effects: [.record(AuditEntry(kind: "initiative.registered", at: now, cycle: 1))], at: now)
        }
        #expect(throws: StoreError.self) { try store.executeForTesting("DELETE FROM event") }
        #expect(throws: StoreError.self) { try store.executeForTesting("UPDATE event SET kind = 'x'") }
    }

    @Test func failedDeliveriesAreRetriedThenGoDead() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        let now = instant("2026-12-01T02:00:00Z")
        try store.write { tx in try tx.enqueue([message("a", at: now)]) }
        let id = try #require(try store.read { tx in try tx.dueMessages(at: now) }.first?.id)
        try store.write { tx in try tx.markFailed(id, error: "connection refused", retryAt: now + 60) }
        #expect(try store.read { tx in try tx.dueMessages(at: now + 59) }.isEmpty)
        #expect(try store.read { tx in try tx.nextAttemptAt() } == now + 60)
        try store.write { tx in try tx.markFailed(id, error: "550 no such user", retryAt: nil) }
        let dead = try store.read { tx in try tx.messages(status: .dead) }
        #expect(dead.map(\.lastError) == ["550 no such user"])
        #expect(dead.first?.attempts == 2)
        #expect(try store.read { tx in try tx.outboxCounts() } == [.dead: 1])
    }

    @Test func theDatabaseUsesWriteAheadLogging() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        #expect(try store.journalMode() == "wal")
    }
}
