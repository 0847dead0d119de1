import CXConfig
import CXCore
@testable import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("downtime_grace in calendar units")
struct DowntimeGraceTests {
    func composer(grace: String) throws -> NotificationComposer {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") { $0.replacingOccurrences(of: "downtime_grace: 15m", with: "downtime_grace: \(grace)") }
        return NotificationComposer(configuration: try project.configuration(), installation: "0123456789ab")
    }

    func overdue(scheduled: Date) -> Notice {
        Notice(
            key: "pos-checkout/run-1/overdue-1", kind: .overdue, initiative: "pos-checkout", step: "scope", cycle: 1, run: 1,
            recipient: "lan", owner: "lan", level: 1, sequence: 1, dueAt: scheduled, scheduledAt: scheduled)
    }

    @Test func aGraceOfOneDayKeepsARemindersFoundTwoHoursLateOnItsOwn() throws {
        let composer = try composer(grace: "1d")
        let now = instant("2026-12-02T05:00:00Z")
        // Found two hours late: within a day, so it goes out as itself, not in a digest.
        let late = try composer.messages(for: [overdue(scheduled: now.addingTimeInterval(-7200))], at: now)
        #expect(late.map(\.kind) == ["step.overdue"])
        // Found two days late: folded into the "while cxd was down" digest.
        let later = try composer.messages(for: [overdue(scheduled: now.addingTimeInterval(-2 * 86_400))], at: now)
        #expect(later.map(\.kind) == ["reminder.digest"])
    }

    @Test func aGraceInMinutesIsElapsedTime() throws {
        let composer = try composer(grace: "15m")
        let now = instant("2026-12-02T05:00:00Z")
        #expect(try composer.messages(for: [overdue(scheduled: now.addingTimeInterval(-600))], at: now).map(\.kind) == ["step.overdue"])
        #expect(try composer.messages(for: [overdue(scheduled: now.addingTimeInterval(-1200))], at: now).map(\.kind) == ["reminder.digest"])
    }
}
