import CXCore
import Foundation
import Yams

/// Reads `reminders:` mappings. Each key that is given replaces the same key of the policy
/// underneath: a step's `reminders` overrides the workflow's `defaults.reminders`, which
/// overrides the built-in fallback.
struct ReminderParser {
    /// The policy used when neither the workflow's defaults nor the step say anything:
    /// remind the owner 1 day before the due time (`before: [1d]`), then daily once overdue,
    /// at most 5 times (`overdue: {every: 1d, max: 5}`), and never escalate (`escalate: []`).
    static let builtinPolicy = ReminderPolicy.builtIn

    /// The keys of a `reminders:` mapping that were given (and valid).
    struct Partial {
        var before: [WorkDuration]?
        var overdue: ReminderPolicy.Repeat?
        var escalations: [ReminderPolicy.Escalation]?

        func applied(to base: ReminderPolicy) -> ReminderPolicy {
            ReminderPolicy(
                before: before ?? base.before, overdue: overdue ?? base.overdue,
                escalations: escalations ?? base.escalations)
        }
    }

    let file: SourceFile

    func parse(_ node: Node) -> Partial {
        var partial = Partial()
        guard var reader = MappingReader(node, in: file) else { return partial }
        if let before = reader.optional("before"), let items = file.list(before, of: "durations") {
            let durations = items.compactMap(file.duration)
            if durations.count == items.count { partial.before = durations }
        }
        if let overdue = reader.optional("overdue") { partial.overdue = repeatRule(overdue) }
        if let escalate = reader.optional("escalate"), let items = file.list(escalate, of: "escalation levels") {
            let levels = items.compactMap(escalation)
            if levels.count == items.count { partial.escalations = levels }
        }
        reader.finish()
        return partial
    }

    private func repeatRule(_ node: Node) -> ReminderPolicy.Repeat? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let every = reader.required("every").flatMap(file.duration)
        let max = reader.required("max").flatMap { file.integer($0, atLeast: 1) }
        reader.finish()
        guard let every, let max else { return nil }
        return ReminderPolicy.Repeat(every: every, max: max)
    }

    private func escalation(_ node: Node) -> ReminderPolicy.Escalation? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let after = reader.required("after").flatMap(file.duration)
        let to = reader.required("to").flatMap(target)
        let every = reader.required("every").flatMap(file.duration)
        let max = reader.required("max").flatMap { file.integer($0, atLeast: 1) }
        reader.finish()
        guard let after, let to, let every, let max else { return nil }
        return ReminderPolicy.Escalation(after: after, to: to, every: every, max: max)
    }

    private func target(_ node: Node) -> EscalationTarget? {
        let expected = "'manager' or 'role:<role>'"
        guard let text = file.string(node, expected) else { return nil }
        if text == "manager" { return .manager }
        if text.hasPrefix("role:") {
            let role = String(text.dropFirst("role:".count)).trimmingCharacters(in: .whitespaces)
            if !role.isEmpty { return .role(role) }
        }
        file.mismatch(expected, node)
        return nil
    }
}
