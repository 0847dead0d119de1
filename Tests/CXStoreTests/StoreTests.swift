import CXConfig
import CXCore
import CXStore
import CXTestSupport
import Foundation
import Testing

/// The store's contract, run against both databases: the same behaviour from the same calls,
/// whether the store is a SQLite file or a PostgreSQL database (a throwaway cluster, see
/// `PostgresCluster`).
@Suite("Store contract (SQLite and PostgreSQL)")
struct StoreTests {
    let folder = TemporaryDirectory("cxd-store")

    /// A new, empty store on `backend`.
    func openStore(_ backend: TestProject.Backend) async throws -> Store {
        switch backend {
        case .sqlite:
            return try Store(path: folder.file("cxd.sqlite"))
        case .postgres:
            return try Store(location: try await PostgresTestDatabase.location())
        }
    }

    func message(_ key: String, at date: Date) -> OutboxMessage {
        OutboxMessage(
            key: key, initiative: "pos", kind: "step.overdue", notifier: "log", recipient: "lan",
            payload: Data("{}".utf8), createdAt: date)
    }

    @Test(arguments: TestProject.Backend.allCases)
    func theSameNotificationIsNeverQueuedTwice(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        let first = try await store.write { tx in try tx.enqueue([message("a", at: now), message("b", at: now)]) }
        let again = try await store.write { tx in try tx.enqueue([message("a", at: now), message("c", at: now)]) }
        #expect(first == 2)
        #expect(again == 1)
        #expect(try await store.read { tx in try tx.messages() }.map(\.key) == ["a", "b", "c"])
    }

    @Test(arguments: TestProject.Backend.allCases)
    func stateEffectsAndAuditLogLandTogetherOrNotAtAll(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        var draft = InitiativeState(id: "pos")
        draft.phase = .active
        let run = StepRun(number: 1, stepID: "scope", cycle: 1, owner: "lan", startedAt: now, dueAt: now + 86_400)
        draft.openRun = run
        let state = draft
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.write { tx in
                try tx.save(state, title: "POS", workflow: "w", effects: [.runOpened(run), .record(AuditEntry(kind: "step.started", at: now, cycle: 1))], at: now)
                try tx.enqueue([message("x", at: now)])
                throw Boom()
            }
        }
        #expect(try await store.read { tx in try tx.initiatives() }.isEmpty)
        #expect(try await store.read { tx in try tx.messages() }.isEmpty)

        try await store.write { tx in
            try tx.save(state, title: "POS", workflow: "w", effects: [.runOpened(run), .record(AuditEntry(kind: "step.started", at: now, cycle: 1))], at: now)
        }
        let record = try #require(try await store.read { tx in try tx.initiative("pos") })
        #expect(record.state == state)
        #expect(try await store.read { tx in try tx.stepRuns(of: "pos") }.map(\.step) == ["scope"])
        #expect(try await store.read { tx in try tx.events(of: "pos") }.map(\.entry.kind) == ["step.started"])
    }

    @Test("a lane's selection leaves out the ids given; claims count an attempt on pending messages only; a batch's deliveries are recorded together",
          arguments: TestProject.Backend.allCases)
    func laneSelectionClaimsAndDeliveries(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        try await store.write { tx in try tx.enqueue((1...5).map { message("m\($0)", at: now) }) }
        let ids = try await store.read { tx in try tx.messages() }.compactMap(\.id)
        try await store.write { tx in try tx.recordDead(ids[4], error: "gone") }

        let due = try await store.read { tx in try tx.dueMessages(notifier: "log", at: now, excluding: [ids[0], ids[2]], limit: 10) }
        #expect(due.map(\.message.key) == ["m2", "m4"])
        #expect(due.allSatisfy { $0.message.payload == Data("{}".utf8) && $0.ageStartedAt == now && $0.attemptsSinceRetry == 0 })

        try await store.write { tx in try tx.claim(ids, at: now) }
        try await store.write { tx in try tx.recordDelivered([ids[1], ids[3]], at: now) }

        let messages = try await store.read { tx in try tx.messages() }
        #expect(messages.map(\.attempts) == [1, 1, 1, 1, 0])
        #expect(messages.map(\.status) == [.pending, .delivered, .pending, .delivered, .dead])
        #expect(messages.map(\.deliveredAt) == [nil, now, nil, now, nil])
        // m3 is still claimed: it is next due when its claim ends.
        #expect(try await store.read { tx in try tx.nextAttemptAt(notifier: "log", excluding: [ids[0]]) } == now + StoreTransaction.defaultClaimLease)
        #expect(try await store.read { tx in try tx.nextAttemptAt(notifier: "log", excluding: [ids[0], ids[2]]) } == nil)
        #expect(try await store.write { tx in try tx.releaseClaims(of: nil) } == 2)
        #expect(try await store.read { tx in try tx.nextAttemptAt(notifier: "log", excluding: [ids[0]]) } == now)
    }

    @Test(arguments: TestProject.Backend.allCases)
    func theAuditLogIsAppendOnly(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        try await store.write { tx in
            try tx.save(InitiativeState(id: "pos"), title: "POS", workflow: "w", effects: [.record(AuditEntry(kind: "initiative.registered", at: now, cycle: 1))], at: now)
        }
        #expect(throws: StoreError.self) { try store.executeForTesting("DELETE FROM event") }
        #expect(throws: StoreError.self) { try store.executeForTesting("UPDATE event SET kind = 'x'") }
    }

    @Test(arguments: TestProject.Backend.allCases)
    func failedDeliveriesAreRetriedThenGoDead(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        try await store.write { tx in try tx.enqueue([message("a", at: now)]) }
        let id = try #require(try await store.read { tx in try tx.dueMessages(at: now) }.first?.id)
        try await store.write { tx in try tx.markFailed(id, error: "connection refused", retryAt: now + 60) }
        #expect(try await store.read { tx in try tx.dueMessages(at: now + 59) }.isEmpty)
        #expect(try await store.read { tx in try tx.nextAttemptAt() } == now + 60)
        try await store.write { tx in try tx.markFailed(id, error: "550 no such user", retryAt: nil) }
        let dead = try await store.read { tx in try tx.messages(status: .dead) }
        #expect(dead.map(\.lastError) == ["550 no such user"])
        #expect(dead.first?.attempts == 2)
        #expect(try await store.read { tx in try tx.outboxCounts() } == [.dead: 1])
    }

    @Test("SQLite only: the file uses write-ahead logging") func theDatabaseUsesWriteAheadLogging() throws {
        let store = try Store(path: folder.file("cxd.sqlite"))
        #expect(try store.journalMode() == "wal")
    }

    @Test("rounds, answers (a repeated respondent kept once), tallies, follow-ups and their counts", arguments: TestProject.Backend.allCases)
    func surveysAnswersAndFollowUps(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        try await store.write { tx in
            try tx.save(InitiativeState(id: "pos"), title: "POS", workflow: "w", effects: [], at: now)
            try tx.save(SurveyRound(
                number: 1, initiative: "pos", cycle: 1, trigger: .imported, status: .open, requestedAt: now, opensAt: now,
                closesAt: nil))
        }
        let answers = [
            NewResponse(respondent: "c1", answeredAt: now, score: 9, touchpoint: "till", comment: "fast", emotion: .positive),
            NewResponse(respondent: "c2", answeredAt: now + 1, score: 3, touchpoint: "till", comment: nil, emotion: .negative),
            NewResponse(respondent: "c3", answeredAt: now + 2, score: nil, touchpoint: nil, comment: "no score", emotion: nil),
            NewResponse(respondent: "c1", answeredAt: now + 3, score: 1, touchpoint: "web", comment: nil, emotion: nil),
        ]
        let outcomes = try await store.write { tx in
            try tx.insertResponses(round: 1, of: "pos", importID: "imp-1", at: now) { inserter in
                try answers.enumerated().map { try inserter.insert($0.element, line: $0.offset + 1) }
            }
        }
        #expect(outcomes.filter { if case .inserted = $0 { return true } else { return false } }.count == 3)
        guard case .present(let present) = outcomes[3] else { Issue.record("c1 twice must be present"); return }
        #expect(present.lineInThisImport == 1)
        #expect(present.answer.isSameAnswer(as: answers[0]))
        #expect(try await store.read { tx in try tx.responseCount(round: 1, of: "pos") } == 3)
        let tally = try await store.read { tx in try tx.tally(round: 1, of: "pos") }
        let again = try await store.write { tx in
            try tx.insertResponses(round: 1, of: "pos", importID: "imp-2", at: now) { inserter in
                [try inserter.insert(answers[1], line: 7), try inserter.insert(
                    NewResponse(respondent: "c4", answeredAt: now, score: nil, touchpoint: nil, comment: nil, emotion: nil), line: 8)]
            }
        }
        guard case .present(let earlier) = again[0] else { Issue.record("c2 again must be present"); return }
        #expect(earlier.lineInThisImport == nil)
        #expect(try await store.read { tx in try tx.responseCount(round: 1, of: "pos") } == 4)
        #expect(try await store.read { tx in try tx.tally(round: 1, of: "pos") } != tally, "the NULL group grew")
        let stored = try await store.read { tx in try tx.responses(round: 1, of: "pos") }
        #expect(stored.map(\.respondent) == ["c1", "c2", "c3", "c4"])
        #expect(stored[0].answeredAt == now && stored[0].emotion == .positive && stored[2].score == nil)
        #expect(try await store.read { tx in try tx.frequentRespondents(of: "pos", since: now, rounds: 1) } == ["c1", "c2", "c3", "c4"])
    }

    @Test("status rows filtered in SQL, keyset pages, phase counts, settings, links and calendar generations",
          arguments: TestProject.Backend.allCases)
    func statusPagesSettingsAndLinks(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        try await store.write { tx in
            for (index, id) in ["a", "b", "c"].enumerated() {
                var state = InitiativeState(id: id)
                state.phase = index == 2 ? .pending : .active
                try tx.save(
                    state, title: id.uppercased(), workflow: "w", effects: [], at: now,
                    summary: InitiativeSummary(openStep: index == 2 ? nil : "scope", owner: index == 0 ? "lan" : "mai",
                                               dueAt: now + Double(index - 1) * 3600))
            }
        }
        let lan = try await store.read { tx in try tx.statusRows(owner: "lan", limit: 10) }
        #expect(lan.map(\.id) == ["a"])
        #expect(try await store.read { tx in try tx.statusRows(overdueAt: now, limit: 10) }.map(\.id) == ["a"])
        #expect(try await store.read { tx in try tx.statusRows(after: "a", limit: 1) }.map(\.id) == ["b"])
        let counts = try await store.read { tx in try tx.phaseCounts(at: now) }
        #expect(counts.overdue == 1)
        #expect(counts.byStep.map { "\($0.phase)/\($0.step ?? "-")=\($0.count)" }.sorted() == ["active/scope=2", "pending/-=1"])
        #expect(try await store.read { tx in try tx.dueInitiatives(at: now, limit: 10) } == ["a", "b", "c"])
        try await store.write { tx in try tx.setNextWake("a", at: now + 60) }
        #expect(try await store.read { tx in try tx.nextInitiativeWake() } == now)
        #expect(try await store.read { tx in try tx.dueInitiatives(at: now, limit: 10) } == ["b", "c"])
        try await store.write { tx in try tx.setSetting("fingerprint", to: "x1") }
        try await store.write { tx in try tx.setSetting("fingerprint", to: "x2") }
        #expect(try await store.read { tx in try tx.setting("fingerprint") } == "x2")
        #expect(try await store.read { tx in try tx.storedLinkKey() }.count == 64)
        #expect(try await store.write { tx in try tx.useLink("l1", person: "lan", initiative: "a", expiresAt: now + 60, at: now) })
        #expect(try await !store.write { tx in try tx.useLink("l1", person: "lan", initiative: "a", expiresAt: now + 60, at: now) })
        #expect(try await store.read { tx in try tx.linkUsed("l1") })
        #expect(try await store.write { tx in try tx.revokeCalendar(of: "lan") } == 1)
        #expect(try await store.write { tx in try tx.revokeCalendar(of: "lan") } == 2)
        let failing = try await store.write { tx in try tx.recordEvaluationFailure("b", error: "boom", at: now, retryAt: now + 600) }
        #expect(failing)
        #expect(try await store.read { tx in try tx.evaluationFailures() }["b"]?.error == "boom")
        #expect(try await store.read { tx in try tx.installationID() }.count == 12)
    }

    @Test("a claim is a lease: other nodes skip the message until it ends, then send it again; a node releases its own claims",
          arguments: TestProject.Backend.allCases)
    func claimsAreLeases(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        try await store.write { tx in try tx.enqueue((1...3).map { message("m\($0)", at: now) }) }
        let first = try await store.write { tx in
            let due = try tx.dueMessages(notifier: "log", at: now, limit: 2)
            try tx.claim(due.compactMap(\.message.id), at: now, by: "a", lease: 60)
            return due.map(\.message.key)
        }
        #expect(first == ["m1", "m2"])
        let second = try await store.write { tx in
            let due = try tx.dueMessages(notifier: "log", at: now + 1, limit: 10)
            try tx.claim(due.compactMap(\.message.id), at: now + 1, by: "b", lease: 60)
            return due.map(\.message.key)
        }
        #expect(second == ["m3"], "node b never selects what node a holds")
        #expect(try await store.read { tx in try tx.dueMessages(notifier: "log", at: now + 59, limit: 10) }.isEmpty)
        #expect(try await store.read { tx in try tx.nextAttemptAt(notifier: "log") } == now + 60)
        // Node a died: its lease ends and the messages are due for anyone.
        #expect(try await store.read { tx in try tx.dueMessages(notifier: "log", at: now + 60, limit: 10) }.map(\.message.key) == ["m1", "m2"])
        #expect(try await store.write { tx in try tx.releaseClaims(of: "b") } == 1)
        #expect(try await store.read { tx in try tx.dueMessages(notifier: "log", at: now + 2, limit: 10) }.map(\.message.key) == ["m3"])
    }

    @Test("an evaluation's savepoint rolls back one initiative's writes and keeps the others'", arguments: TestProject.Backend.allCases)
    func savepointsIsolateOneInitiative(backend: TestProject.Backend) async throws {
        let store = try await openStore(backend)
        let now = instant("2026-12-01T02:00:00Z")
        struct Boom: Error {}
        try await store.write { tx in
            try tx.isolating { try tx.save(InitiativeState(id: "kept"), title: "K", workflow: "w", effects: [], at: now) }
            _ = try? tx.isolating {
                try tx.save(InitiativeState(id: "undone"), title: "U", workflow: "w", effects: [], at: now)
                throw Boom()
            }
        }
        #expect(try await store.read { tx in try tx.initiativeIDs() } == ["kept"])
    }
}

/// A PostgreSQL database of its own for one test, on the test cluster.
enum PostgresTestDatabase {
    static func location() async throws -> StoreLocation {
        let url = try await PostgresCluster.shared.newDatabase()
        guard case .success(let parsed) = PostgresURL.parse(url) else { throw PostgresCluster.Failure("the cluster gave a URL cxd does not accept: \(url)") }
        return .postgres(PostgresSettings(
            host: parsed.host, port: parsed.port, user: parsed.user, database: parsed.database, tls: .disable))
    }
}
