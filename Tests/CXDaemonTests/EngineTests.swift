import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("Engine: reconciling YAML with the store, downtime, plans")
struct EngineTests {
    @Test func remindersMissedWhileDownArriveAsOneDigestPerRecipient() async throws {
        let project = try TestProject()
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.evaluateOnce(at: hanoi("2026-11-23T08:30"))
        // cxd is down from Monday 23 November until Friday 11 December at 10:00. Scope (5bd,
        // owner hung) is due Monday 30 November 17:30. Every reminder of the downtime is listed,
        // each at its own time, in one digest per recipient:
        // - hung: due soon Mon 30 08:30 (2d before, moved out of the weekend) and 13:30 (4h);
        //   overdue Tue 1, Wed 2, Thu 3, Fri 4 and Mon 7 (Sat 5 moved) 08:30 — the five of
        //   `max: 5`; level 3 (role:sponsor, after 5bd) Tue 8 and Fri 11 08:30.
        // - mai (hung's manager, level 2 after 2bd): Thu 3, Mon 7 (Sat 5 moved), Wed 9 08:30.
        try await sim.evaluateOnce(at: hanoi("2026-12-11T10:00"))
        let lines = try project.notifications().map(\.line)
        #expect(lines == [
            "2026-11-23 08:30 step.started hung scope c1",
            "2026-12-11 10:00 reminder.digest hung [scope/step.due_soon,scope/step.due_soon,scope/step.overdue,"
                + "scope/step.overdue,scope/step.overdue,scope/step.overdue,scope/step.overdue,scope/step.escalated,"
                + "scope/step.escalated]",
            "2026-12-11 10:00 reminder.digest mai [scope/step.escalated,scope/step.escalated,scope/step.escalated]",
        ])
        let hungs = try #require(try project.notifications().first { $0.kind == "reminder.digest" && $0.recipient.id == "hung" })
        #expect(hungs.items?.map { Timestamp.iso($0.scheduledAt) } == [
            "2026-11-30T01:30:00Z", "2026-11-30T06:30:00Z",
            "2026-12-01T01:30:00Z", "2026-12-02T01:30:00Z", "2026-12-03T01:30:00Z", "2026-12-04T01:30:00Z", "2026-12-07T01:30:00Z",
            "2026-12-08T01:30:00Z", "2026-12-11T01:30:00Z",
        ])
        let digest = try #require(try project.notifications().first { $0.recipient.id == "mai" })
        #expect(digest.subject == "Trong lúc cxd tạm dừng: 3 lời nhắc")
        #expect(digest.items?.map(\.level) == [2, 2, 2])
        #expect(digest.items?.map { Timestamp.iso($0.scheduledAt) } == ["2026-12-03T01:30:00Z", "2026-12-07T01:30:00Z", "2026-12-09T01:30:00Z"])
        // onboarding-nps starts on time at 10:00 Hanoi, 03:00 for its owner in London: the
        // step start waits in the outbox for David's working day, 08:30 London (15:30 Hanoi).
        let waiting = try await sim.engine.store.read { tx in try tx.messages() }.filter { $0.kind == "step.started" && $0.status == .pending }
        #expect(waiting.map(\.recipient) == ["david"])
        #expect(waiting.first?.nextAttemptAt == hanoi("2026-12-11T15:30"))
        try await sim.evaluateOnce(at: hanoi("2026-12-11T15:30"))
        let delivered = try project.notifications().last
        #expect(delivered?.kind == "step.started")
        #expect(delivered?.recipient.id == "david")
        // Everything the digests replace is in the audit log, marked as such.
        let reminders = try await sim.engine.history(of: "pos-checkout").filter { $0.entry.kind.hasPrefix("reminder.") }
        #expect(reminders.count == 12)
        #expect(reminders.allSatisfy { $0.entry.details["via"] == "digest" })
    }

    @Test func theLastReminderShownBelongsToTheOpenStep() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        // Scope is due Monday 30 November 17:30; the first overdue reminder goes out on the 1st.
        try await sim.run(until: hanoi("2026-12-01T09:00"))
        var row = try await sim.engine.statusReport(at: sim.now).initiatives.first { $0.id == "pos-checkout" }
        #expect(row?.lastReminderAt == hanoi("2026-12-01T08:30"))
        try await sim.act(.complete(step: "scope", by: "hung", note: nil), at: hanoi("2026-12-01T10:00"))
        row = try await sim.engine.statusReport(at: sim.now).initiatives.first { $0.id == "pos-checkout" }
        #expect(row?.step == "journey")
        #expect(row?.lastReminderAt == nil, "journey has had no reminder yet")
    }

    @Test func aChangedRoleBindingReassignsAndARemovedFileArchives() async throws {
        let project = try TestProject()
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.run(until: hanoi("2026-11-24T09:00"))
        let file = project.folder.file("config/initiatives/pos-checkout.yaml")
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "sponsor: hung", with: "sponsor: lan")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: project.folder.file("config/initiatives/support-effort.yaml"))
        try await sim.reload()
        let status = try await sim.engine.statusReport(at: sim.now)
        #expect(status.initiatives.first { $0.id == "pos-checkout" }?.owner == "lan")
        #expect(status.initiatives.first { $0.id == "support-effort" }?.phase == "archived")
        #expect(try project.notifications().last?.line == "2026-11-24 09:00 step.reassigned lan scope c1")
        await #expect(try sim.engine.history(of: "support-effort").map(\.entry.kind) == ["initiative.registered", "initiative.archived"])
    }

    @Test func aReloadThatAnInitiativeCannotFollowChangesNothing() async throws {
        let project = try TestProject()
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.run(until: hanoi("2026-11-24T09:00"))
        // The workflow loses `scope`, the open step of pos-checkout; support-effort also changes.
        let workflow = project.folder.file("workflows/cx-eight-step.yaml")
        var text = try String(contentsOfFile: workflow, encoding: .utf8)
        text = text.replacingOccurrences(of: "  - id: scope\n", with: "  - id: scoping\n")
        try text.write(toFile: workflow, atomically: true, encoding: .utf8)
        let before = try await sim.engine.statusReport(at: sim.now)
        await #expect(throws: TransitionError.openStepRemoved("pos-checkout", step: "scope", workflow: "cx-eight-step")) {
            try await sim.reload()
        }
        let after = try await sim.engine.statusReport(at: sim.now)
        #expect(after.initiatives.map(\.phase) == before.initiatives.map(\.phase))
        #expect(after.initiatives.map(\.step) == before.initiatives.map(\.step))
    }

    @Test func thePlanListsDeadlinesRemindersAndEscalationsInTimeOrder() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let engine = try project.engine()
        let start = hanoi("2026-11-23T08:30")
        let entries = try await engine.plan(from: start, until: start.addingTimeInterval(20 * 86_400))
        let lines = entries.map { "\(localTime($0.at)) \($0.kind) \($0.recipient ?? "-")" }
        #expect(lines == [
            "2026-11-23 08:30 step.started hung",
            "2026-11-30 08:30 step.due_soon hung",
            "2026-11-30 13:30 step.due_soon hung",
            "2026-11-30 17:30 step.deadline hung",
            "2026-12-01 08:30 step.overdue hung",
            "2026-12-02 08:30 step.overdue hung",
            "2026-12-03 08:30 step.overdue hung",
            "2026-12-03 08:30 step.escalated mai",
            "2026-12-04 08:30 step.overdue hung",
            "2026-12-07 08:30 step.overdue hung",
            "2026-12-07 08:30 step.escalated mai",
            "2026-12-08 08:30 step.escalated hung",
            "2026-12-09 08:30 step.escalated mai",
            "2026-12-11 08:30 step.escalated hung",
        ])
        // A plan writes nothing.
        await #expect(try engine.statusReport(at: start).initiatives.map(\.phase) == ["unregistered"])
    }

    @Test func thePlanIsTheSameWhateverTheNumberOfThreads() throws {
        let configuration = try TestProject().configuration()
        var items: [(machine: InitiativeMachine, context: InitiativeContext)] = []
        for copy in 0..<5 {
            for id in configuration.initiatives.keys.sorted() {
                let context = try #require(configuration.context(for: id))
                items.append((InitiativeMachine(state: InitiativeState(id: "\(id)-\(copy)")), context))
            }
        }
        let start = hanoi("2026-11-23T08:30")
        let end = start.addingTimeInterval(120 * 86_400)
        let alone = Planner.plan(items, from: start, until: end)
        #expect(alone.count > 100)
        for threads in [2, 3, 4] {
            #expect(Planner.plan(items, from: start, until: end, parallelism: threads) == alone, "\(threads) threads")
        }
    }

    @Test func commandsCatchUpWithTimeBeforeApplying() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let engine = try project.engine()
        try await engine.reconcile(at: hanoi("2026-11-20T08:30"))
        // Nobody ran the daemon since the start date; completing still works.
        try await engine.apply(.complete(step: "scope", by: "hung", note: "done"), to: "pos-checkout", at: hanoi("2026-11-24T10:00"))
        let status = try await engine.detail(of: "pos-checkout", at: hanoi("2026-11-24T10:00")).status
        #expect(status.step == "journey")
        await #expect(throws: EngineError.unknownInitiative("nope", known: ["pos-checkout"])) {
            try await engine.apply(.pause(by: "x", note: nil), to: "nope", at: hanoi("2026-11-24T10:00"))
        }
    }
}
