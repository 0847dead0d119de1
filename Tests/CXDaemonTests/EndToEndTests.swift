import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("End to end: the eight-step cycle over four months")
struct EndToEndTests {
    /// The same four months on both stores: the engine must not know which it talks to.
    @Test(arguments: TestProject.Backend.allCases)
    func twoLoopsThroughTheCycleWithRemindersEscalationsAndAudit(backend: TestProject.Backend) async throws {
        let project = try await TestProject.make(keeping: ["pos-checkout"], backend: backend)
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))

        // Cycle 1. Scope is finished two days late; the owner is reminded before and after.
        try await sim.act(.complete(step: "scope", by: "hung", note: "goal agreed with the board"), at: hanoi("2026-12-02T10:00"))
        try await sim.act(.complete(step: "journey", by: "lan", note: nil), at: hanoi("2026-12-10T11:00"))
        // Touchpoints runs 7 working days late: overdue repeats, then escalations to lan's manager
        // (hung) and to the sponsor (hung again, by role).
        try await sim.act(.complete(step: "touchpoints", by: "lan", note: nil), at: hanoi("2026-12-28T16:00"))
        // Insight cannot close before the initiative file records insights.
        await #expect(throws: TransitionError.requirementsMissing("pos-checkout", step: "insight", missing: ["insights"])) {
            try await sim.act(.complete(step: "insight", by: "minh", note: nil), at: hanoi("2027-01-06T09:00"))
        }
        try project.appendToInitiative("pos-checkout", """

            insights:
              checkout: Khách phải chờ lâu khi thanh toán
            priorities: [checkout]
            actions:
              - problem: Chờ thanh toán lâu
                solution: Thêm máy POS di động
                owner: thao
                due: 2027-02-15
            """)
        try await sim.reload()
        try await sim.act(.complete(step: "insight", by: "minh", note: nil), at: hanoi("2027-01-06T09:05"))
        try await sim.act(.complete(step: "prioritize", by: "hung", note: nil), at: hanoi("2027-01-08T15:00"))
        try await sim.act(.complete(step: "design", by: "thao", note: nil), at: hanoi("2027-01-22T10:00"))
        try await sim.act(.complete(step: "monitor", by: "minh", note: nil), at: hanoi("2027-02-12T10:00"))
        try await sim.act(.complete(step: "resurvey", by: "minh", note: "CSAT 78, below target"), at: hanoi("2027-02-19T10:00"))
        // Cycle 2 starts at insight; the overdue level is acknowledged, escalation still comes.
        try await sim.run(until: hanoi("2027-03-08T12:00"))
        try await sim.act(.acknowledge(by: "minh"), at: hanoi("2027-03-08T12:00"))
        try await sim.act(.complete(step: "insight", by: "minh", note: nil), at: hanoi("2027-03-12T10:00"))
        try await sim.act(.complete(step: "prioritize", by: "hung", note: nil), at: hanoi("2027-03-15T10:00"))
        try await sim.act(.complete(step: "design", by: "thao", note: nil), at: hanoi("2027-03-19T10:00"))
        try await sim.act(.complete(step: "monitor", by: "minh", note: nil), at: hanoi("2027-03-23T10:00"))
        try await sim.act(.complete(step: "resurvey", by: "minh", note: "CSAT 86, target met"), at: hanoi("2027-03-24T10:00"))
        try await sim.run(until: hanoi("2027-03-25T10:00"))

        // Every notification, its recipient and its time (Hanoi, working hours 08:30–17:30).
        // Survey rounds open with insight, on the 2-week cadence during monitor, and with the
        // re-survey; no answers are imported here, so each evaluation is "insufficient data"
        // (the survey end-to-end test imports answers). In cycle 2 the fatigue guard (7 days)
        // delays the re-survey round, which the completed step then blocks.
        #expect(try project.notifications().map(\.line) == [
            "2026-11-23 08:30 step.started hung scope c1",
            "2026-11-30 08:30 step.due_soon hung scope c1 L0#1",
            "2026-11-30 13:30 step.due_soon hung scope c1 L0#2",
            "2026-12-01 08:30 step.overdue hung scope c1 L1#1",
            "2026-12-02 08:30 step.overdue hung scope c1 L1#2",
            "2026-12-02 10:00 step.started lan journey c1",
            "2026-12-10 11:00 step.started lan touchpoints c1",
            "2026-12-16 08:30 step.due_soon lan touchpoints c1 L0#1",
            "2026-12-17 13:30 step.due_soon lan touchpoints c1 L0#2",
            "2026-12-18 08:30 step.overdue lan touchpoints c1 L1#1",
            "2026-12-21 08:30 step.overdue lan touchpoints c1 L1#2",
            "2026-12-22 08:30 step.overdue lan touchpoints c1 L1#3",
            "2026-12-22 08:30 step.escalated hung touchpoints c1 L2#1",
            "2026-12-23 08:30 step.overdue lan touchpoints c1 L1#4",
            "2026-12-24 08:30 step.overdue lan touchpoints c1 L1#5",
            "2026-12-24 08:30 step.escalated hung touchpoints c1 L2#2",
            "2026-12-25 08:30 step.escalated hung touchpoints c1 L3#1",
            "2026-12-28 08:30 step.escalated hung touchpoints c1 L2#3",
            "2026-12-28 08:30 step.escalated hung touchpoints c1 L3#2",
            "2026-12-28 16:00 step.started minh insight c1",
            "2026-12-28 16:00 survey.requested minh insight c1",
            "2027-01-06 09:05 step.started hung prioritize c1",
            "2027-01-06 09:05 survey.closed minh insight c1",
            "2027-01-08 15:00 step.started thao design c1",
            "2027-01-22 10:00 step.started minh monitor c1",
            "2027-01-22 10:00 survey.requested minh monitor c1",
            "2027-02-05 10:00 survey.closed minh monitor c1",
            "2027-02-05 10:00 survey.requested minh monitor c1",
            "2027-02-12 10:00 step.started minh resurvey c1",
            "2027-02-12 10:00 survey.closed minh resurvey c1",
            "2027-02-12 10:00 survey.requested minh resurvey c1",
            "2027-02-19 10:00 step.started minh insight c2",
            "2027-02-19 10:00 survey.closed minh resurvey c1",
            "2027-02-19 10:00 cycle.evaluated minh resurvey c1",
            "2027-02-19 10:00 survey.requested minh insight c2",
            "2027-03-04 08:30 step.due_soon minh insight c2 L0#1",
            "2027-03-05 10:00 survey.closed minh insight c2",
            "2027-03-05 13:30 step.due_soon minh insight c2 L0#2",
            "2027-03-08 08:30 step.overdue minh insight c2 L1#1",
            "2027-03-10 08:30 step.escalated lan insight c2 L2#1",
            "2027-03-12 08:30 step.escalated lan insight c2 L2#2",
            "2027-03-12 10:00 step.started hung prioritize c2",
            "2027-03-15 10:00 step.started thao design c2",
            "2027-03-19 10:00 step.started minh monitor c2",
            "2027-03-19 10:00 survey.requested minh monitor c2",
            "2027-03-23 10:00 step.started minh resurvey c2",
            "2027-03-23 10:00 survey.closed minh resurvey c2",
            "2027-03-24 10:00 step.started minh insight c3",
            "2027-03-24 10:00 cycle.evaluated minh resurvey c2",
        ])
        let detail = try await sim.engine.detail(of: "pos-checkout", at: sim.now)
        #expect(detail.status.cycle == 3)
        #expect(detail.status.step == "insight")
        #expect(detail.runs.count == 14)  // 3 once-only steps, 5 per loop in cycles 1 and 2, insight of cycle 3
        #expect(detail.runs.filter { $0.closedAt == nil }.count == 1)
        // The audit log, in order; the refused completion left no trace.
        await #expect(try sim.engine.history(of: "pos-checkout").map { "\($0.entry.kind) \($0.entry.step ?? "-") c\($0.entry.cycle)" } == [
            "initiative.registered - c1",
            "initiative.started - c1",
            "step.started scope c1",
            "reminder.due_soon scope c1",
            "reminder.due_soon scope c1",
            "reminder.overdue scope c1",
            "reminder.overdue scope c1",
            "step.completed scope c1",
            "step.started journey c1",
            "step.completed journey c1",
            "step.started touchpoints c1",
            "reminder.due_soon touchpoints c1",
            "reminder.due_soon touchpoints c1",
            "reminder.overdue touchpoints c1",
            "reminder.overdue touchpoints c1",
            "reminder.overdue touchpoints c1",
            "reminder.escalated touchpoints c1",
            "reminder.overdue touchpoints c1",
            "reminder.overdue touchpoints c1",
            "reminder.escalated touchpoints c1",
            "reminder.escalated touchpoints c1",
            "reminder.escalated touchpoints c1",
            "reminder.escalated touchpoints c1",
            "step.completed touchpoints c1",
            "step.started insight c1",
            "survey.requested insight c1",
            "survey.closed insight c1",
            "step.completed insight c1",
            "step.started prioritize c1",
            "step.completed prioritize c1",
            "step.started design c1",
            "step.completed design c1",
            "step.started monitor c1",
            "survey.requested monitor c1",
            "survey.closed monitor c1",
            "survey.requested monitor c1",
            "step.completed monitor c1",
            "step.started resurvey c1",
            "survey.closed resurvey c1",
            "survey.requested resurvey c1",
            "survey.closed resurvey c1",
            "cycle.evaluated resurvey c1",
            "step.completed resurvey c1",
            "cycle.started insight c2",
            "step.started insight c2",
            "survey.requested insight c2",
            "reminder.due_soon insight c2",
            "survey.closed insight c2",
            "reminder.due_soon insight c2",
            "reminder.overdue insight c2",
            "reminder.acknowledged insight c2",
            "reminder.escalated insight c2",
            "reminder.escalated insight c2",
            "step.completed insight c2",
            "step.started prioritize c2",
            "step.completed prioritize c2",
            "step.started design c2",
            "step.completed design c2",
            "step.started monitor c2",
            "survey.requested monitor c2",
            "step.completed monitor c2",
            "step.started resurvey c2",
            "survey.closed resurvey c2",
            "survey.delayed resurvey c2",
            "survey.blocked resurvey c2",
            "cycle.evaluated resurvey c2",
            "step.completed resurvey c2",
            "cycle.started insight c3",
            "step.started insight c3",
            "survey.delayed insight c3",
        ])
        let first = try #require(try project.notifications().first)
        #expect(first.subject == "Bước mới cho bạn: Xác định mục tiêu và phạm vi — Tăng mức độ hài lòng của khách hàng tại điểm bán")
        let installation = try await sim.engine.store.read { tx in try tx.installationID() }
        #expect(installation.count == 12)
        #expect(first.id == "\(installation):pos-checkout/run-1/assigned-1@log")
    }

    @Test func messageIDsDoNotRepeatAfterTheDatabaseIsReset() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.evaluateOnce(at: hanoi("2026-11-23T08:30"))
        let before = try project.notifications().map(\.id)
        // The operator starts afresh: the database is deleted, the same YAML runs again.
        try FileManager.default.removeItem(atPath: project.databasePath)
        try? FileManager.default.removeItem(atPath: project.databasePath + "-wal")
        try? FileManager.default.removeItem(atPath: project.databasePath + "-shm")
        var again = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await again.evaluateOnce(at: hanoi("2026-11-23T08:30"))
        let after = try project.notifications().map(\.id).dropFirst(before.count)
        #expect(!before.isEmpty)
        #expect(after.count == before.count)
        // Same notifications, new ids: a receiver that drops duplicates by id keeps them.
        #expect(Set(after).isDisjoint(with: before))
    }
}
