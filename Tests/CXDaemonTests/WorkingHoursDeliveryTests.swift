import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// Every message to a person waits for their working hours, not only reminders; operator
/// alerts listed in `delivery.urgent` go out at once.
@Suite("Messages to people wait for their working hours")
struct WorkingHoursDeliveryTests {
    @Test func aDigestMadeOnSundayNightGoesOutOnMondayMorning() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.evaluateOnce(at: hanoi("2026-11-23T08:30"))
        // cxd comes back on Sunday 6 December at 23:00 (Hanoi; hung and mai work there).
        try await sim.evaluateOnce(at: hanoi("2026-12-06T23:00"))
        let queued = try await sim.engine.store.read { tx in try tx.messages(status: .pending) }
        #expect(Set(queued.map(\.kind)) == ["reminder.digest"])
        #expect(queued.allSatisfy { $0.nextAttemptAt == hanoi("2026-12-07T08:30") })
        #expect(try project.notifications().map(\.kind) == ["step.started"], "nothing goes out at night")
        // `delivery.max_age` counts from Monday 08:30, when they may first go out.
        let due = try await sim.engine.store.read { tx in try tx.dueMessages(notifier: "log", at: hanoi("2026-12-07T08:30"), limit: 10) }
        #expect(due.count == queued.count)
        #expect(due.allSatisfy { $0.ageStartedAt == hanoi("2026-12-07T08:30") })
        try await sim.run(until: hanoi("2026-12-07T09:00"))
        #expect(try project.notifications().filter { $0.kind == "reminder.digest" }.map(\.recipient.id).sorted() == ["hung", "mai"])
    }

    @Test func anOperatorAlertWaitsUnlessItsKindIsUrgent() throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") { $0 + "\noperators:\n  people: [mai]\n  notifiers: [log]\n" }
        let saturday = hanoi("2026-12-05T03:00")
        let configuration = try project.configuration()
        #expect(configuration.earliestDelivery(of: "notifier.failing", to: "mai", at: saturday) == hanoi("2026-12-07T08:30"))
        #expect(configuration.earliestDelivery(of: "step.started", to: "mai", at: hanoi("2026-12-07T12:00")) == hanoi("2026-12-07T12:00"))
        try project.edit("config/cxd.yaml") { $0 + "\ndelivery:\n  urgent: [notifier.failing]\n" }
        let urgent = try project.configuration()
        #expect(urgent.delivery.urgent == ["notifier.failing"])
        #expect(urgent.earliestDelivery(of: "notifier.failing", to: "mai", at: saturday) == saturday)
        #expect(urgent.earliestDelivery(of: "notifier.dead_letters", to: "mai", at: saturday) == hanoi("2026-12-07T08:30"))
    }
}
