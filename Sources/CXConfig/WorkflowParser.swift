import CXCore
import Yams

/// A workflow as read, with the node of its id (for duplicate reports across files).
struct WorkflowDraft {
    var workflow: Workflow
    var idNode: Node
    var file: SourceFile
}

/// Reads one workflow file: `id`, `title`, optional `defaults.reminders`, and `steps`.
///
/// A step without `next` continues with the following step, except the last one, which must
/// say `next: end` or name the step to loop back to. Every step must be reachable from the
/// first one.
struct WorkflowParser {
    let file: SourceFile

    private struct StepDraft {
        var step: Step
        var node: Node
        var idNode: Node
        var nextNode: Node?
    }

    func parse(_ root: Node) -> WorkflowDraft? {
        guard var reader = MappingReader(root, in: file) else { return nil }
        let idNode = reader.required("id")
        let id = idNode.flatMap { file.string($0) }
        let title = reader.required("title").flatMap(file.localizedText)
        var defaults = ReminderParser.builtinPolicy
        if let defaultsNode = reader.optional("defaults"), var defaultsReader = MappingReader(defaultsNode, in: file) {
            if let reminders = defaultsReader.optional("reminders") {
                defaults = ReminderParser(file: file).parse(reminders).applied(to: defaults)
            }
            defaultsReader.finish()
        }
        var steps: [StepDraft] = []
        var stepsComplete = false
        if let stepsNode = reader.required("steps"), let items = file.list(stepsNode, of: "steps") {
            if items.isEmpty { file.error("a workflow needs at least one step", at: stepsNode) }
            steps = items.compactMap { step($0, defaults: defaults) }
            stepsComplete = !items.isEmpty && steps.count == items.count
        }
        reader.finish()
        if stepsComplete { checkGraph(steps) }
        guard let id, let idNode, let title, stepsComplete else { return nil }
        return WorkflowDraft(
            workflow: Workflow(id: id, title: title, steps: steps.map(\.step), defaultReminders: defaults), idNode: idNode,
            file: file)
    }

    private func step(_ node: Node, defaults: ReminderPolicy) -> StepDraft? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let idNode = reader.required("id")
        let id = idNode.flatMap { file.string($0) }
        let title = reader.required("title").flatMap(file.localizedText)
        let owner = reader.required("owner").flatMap { file.string($0, "a role id") }
        let duration = reader.required("duration").flatMap(file.duration)
        var requires: [String] = []
        if let node = reader.optional("requires"), let paths = file.stringList(node, of: "document paths") {
            for (path, pathNode) in paths {
                if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                    file.error("invalid document path '\(path)'", at: pathNode)
                } else {
                    requires.append(path)
                }
            }
        }
        var policy = defaults
        if let reminders = reader.optional("reminders") {
            policy = ReminderParser(file: file).parse(reminders).applied(to: defaults)
        }
        let nextNode = reader.optional("next")
        var next = Step.Next.following
        if let nextNode, let target = file.string(nextNode, "a step id or 'end'") {
            next = target == "end" ? .end : .step(target)
        }
        var survey: Step.SurveyDuty?
        if let node = reader.optional("survey"), let text = file.string(node, "open or cadence") {
            survey = Step.SurveyDuty(rawValue: text)
            if survey == nil { file.error("expected open or cadence, found '\(text)'", at: node) }
        }
        let evaluates = reader.optional("evaluate").flatMap(file.bool) ?? false
        reader.finish()
        guard let id, let idNode, let title, let owner, let duration else { return nil }
        let step = Step(
            id: id, title: title, owner: owner, duration: duration, requires: requires, reminders: policy, next: next,
            survey: survey, evaluates: evaluates)
        return StepDraft(step: step, node: node, idNode: idNode, nextNode: nextNode)
    }

    /// Duplicate ids, `next` targets, the last step, and reachability from the first step.
    private func checkGraph(_ steps: [StepDraft]) {
        var first: [StepID: Node] = [:]
        var valid = true
        for draft in steps {
            if let earlier = first[draft.step.id] {
                file.error("duplicate step id '\(draft.step.id)' (first at \(file.reference(to: earlier)))", at: draft.idNode)
                valid = false
            } else {
                first[draft.step.id] = draft.idNode
            }
        }
        let ids = steps.map(\.step.id)
        for (index, draft) in steps.enumerated() {
            switch draft.step.next {
            case .step(let target) where target == draft.step.id:
                file.error("step '\(target)' cannot be its own next step", at: draft.nextNode ?? draft.node)
                valid = false
            case .step(let target) where first[target] == nil:
                file.error(DidYouMean.unknown("step", target, among: ids + ["end"]), at: draft.nextNode ?? draft.node)
                valid = false
            case .following where index == steps.count - 1 && draft.nextNode == nil:
                file.error(
                    "the last step '\(draft.step.id)' has no next step; write `next: end` to finish the initiative, or name the step to loop back to",
                    at: draft.node)
                valid = false
            default:
                break
            }
        }
        guard valid else { return }
        var reached: Set<Int> = [0]
        var queue = [0]
        while let index = queue.popLast() {
            let successor: Int?
            switch steps[index].step.next {
            case .end: successor = nil
            case .following: successor = index + 1 < steps.count ? index + 1 : nil
            case .step(let target): successor = ids.firstIndex(of: target)
            }
            if let successor, reached.insert(successor).inserted { queue.append(successor) }
        }
        for (index, draft) in steps.enumerated() where !reached.contains(index) {
            file.error("step '\(draft.step.id)' cannot be reached from the first step '\(ids[0])'", at: draft.node)
        }
    }
}
