import CXConfig
import CXCore
import Foundation
import Testing

/// The repository's own examples (`config/`, `workflows/`) are the format specification.
@Suite struct ExampleConfigurationTests {
    static let repositoryRoot = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theShippedExamplesLoadWithEveryValueInPlace() throws {
        let root = Self.repositoryRoot
        let config = try ConfigurationLoader.load(
            from: root.appending(path: "config/cxd.yaml").path, notifierTypes: testNotifierTypes)

        let workflow = try #require(config.workflows["cx-eight-step"])
        #expect(workflow.steps.count == 8)
        #expect(workflow.step("resurvey")?.next == .step("insight"))
        #expect(workflow.step("scope")?.next == .following)
        #expect(workflow.title.text(for: "vi") == "8 bước để có trải nghiệm khách hàng vượt trội")
        // `monitor` replaces only `before`; the rest comes from the workflow's defaults.
        let monitor = try #require(workflow.step("monitor"))
        #expect(monitor.reminders.before == [.days(3)])
        #expect(monitor.reminders.overdue == .init(every: .days(1), max: 5))
        #expect(monitor.reminders.escalations.map(\.to) == [.manager, .role("sponsor")])
        #expect(workflow.roles == ["sponsor", "researcher", "analyst", "designer"])

        #expect(config.calendar.dayStart == TimeOfDay(hour: 8, minute: 30))
        #expect(config.calendar.dayEnd == TimeOfDay(hour: 17, minute: 30))
        #expect(config.calendar.workingDays == [1, 2, 3, 4, 5])
        #expect(config.calendar.holidays.count == 10)
        #expect(config.downtimeGrace == .minutes(15))
        #expect(config.defaultTimeZone.identifier == "Asia/Ho_Chi_Minh")

        #expect(config.people["hung"]?.locale == "vi")
        #expect(config.people["minh"]?.timeZone == "Asia/Ho_Chi_Minh")
        #expect(config.people["sarah"]?.manager == "david")
        #expect(config.people["hung"]?.manager == "mai")

        let pos = try #require(config.initiatives["pos-checkout"])
        #expect(pos.document.value(at: "goal.target") == .number(85))
        #expect(pos.roles["sponsor"] == "hung")
        #expect(pos.start == LocalDate(year: 2026, month: 11, day: 23))
        #expect(pos.labels == ["salon", "diem-ban"])
        #expect(pos.sourcePath.hasSuffix("config/initiatives/pos-checkout.yaml"))
        #expect(config.initiatives.count == 3)

        #expect(config.routes.defaultNotifiers == ["log"])
        #expect(config.databasePath.hasPrefix("/"))
        #expect(config.databasePath.hasSuffix("/state/cxd.sqlite"))
        #expect(!config.databasePath.contains(".."))
        let log = try #require(config.notifiers.first)
        #expect(log.name == "log" && log.type == "file")
        #expect(log.options["path"] == .string(root.path + "/state/notifications.jsonl"))
    }
}
