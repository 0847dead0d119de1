import CXCore
import Foundation

/// A small pure fixture: a four-step workflow whose last step loops back to the second,
/// three people in Hanoi's time zone, Mon–Fri 09:00–17:00.
enum Fixture {
    static let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    static let london = TimeZone(identifier: "Europe/London")!

    static func date(_ text: String) -> Date { Timestamp.parse(text)! }

    static let policy = ReminderPolicy(
        before: [.days(2), .hours(4)],
        overdue: .init(every: .days(1), max: 3),
        escalations: [
            .init(after: .businessDays(2), to: .manager, every: .days(2), max: 2),
            .init(after: .businessDays(5), to: .role("sponsor"), every: .days(3), max: 1),
        ])

    static let workflow = Workflow(
        id: "mini", title: LocalizedText(["en": "Mini", "vi": "Nhỏ"]),
        steps: [
            Step(id: "scope", title: LocalizedText(["en": "Scope"]), owner: "sponsor", duration: .businessDays(5),
                 requires: ["goal.target"], reminders: policy),
            Step(id: "insight", title: LocalizedText(["en": "Insight"]), owner: "analyst", duration: .weeks(1),
                 reminders: policy),
            Step(id: "design", title: LocalizedText(["en": "Design"]), owner: "analyst", duration: .days(3),
                 reminders: policy),
            Step(id: "resurvey", title: LocalizedText(["en": "Re-survey"]), owner: "analyst", duration: .hours(48),
                 reminders: policy, next: .step("insight")),
        ])

    static let people: [PersonID: Person] = [
        "lan": Person(id: "lan", name: "Lan", timeZone: "Asia/Ho_Chi_Minh", manager: "hung", locale: "vi"),
        "hung": Person(id: "hung", name: "Hùng", timeZone: "Asia/Ho_Chi_Minh", locale: "vi"),
        "minh": Person(id: "minh", name: "Minh", timeZone: "Asia/Ho_Chi_Minh", manager: "lan", locale: "vi"),
    ]

    static func definition(roles: [RoleID: PersonID] = ["sponsor": "lan", "analyst": "minh"], target: Bool = true) -> InitiativeDefinition {
        let goal: Document = target ? .map(["target": .number(85)]) : .map(["target": .null])
        return InitiativeDefinition(
            id: "pos", title: "Point of sale", workflow: "mini", roles: roles,
            start: LocalDate(year: 2026, month: 12, day: 1), document: .map(["goal": goal]), sourcePath: "pos.yaml")
    }

    static func context(_ definition: InitiativeDefinition = definition(), workflow: Workflow = workflow) -> InitiativeContext {
        InitiativeContext(
            definition: definition, workflow: workflow, people: people,
            calendar: WorkCalendar(holidays: [LocalDate(year: 2026, month: 12, day: 25)]), defaultTimeZone: hanoi)
    }
}

extension Array where Element == Effect {
    var notices: [Notice] {
        compactMap { if case .notify(let notice) = $0 { return notice } else { return nil } }
    }

    var records: [AuditEntry] {
        compactMap { if case .record(let entry) = $0 { return entry } else { return nil } }
    }
}
