import CXCore
import Yams

/// Checks an initiative against the workflows and people: the workflow exists, every role it
/// uses is bound to a known person and no other role is, and `to: manager` escalations have a
/// manager to reach.
struct CrossChecker {
    /// The people and workflows that loaded without a problem.
    let people: [PersonID: Person]
    let workflows: [WorkflowID: Workflow]
    /// Every id declared, problems or not; nil when some file could not even be identified,
    /// in which case references are not reported as unknown (the real problem is reported).
    let knownPeople: Set<PersonID>?
    let knownWorkflows: Set<WorkflowID>?

    func check(_ draft: InitiativeDraft) {
        let file = draft.file
        if let knownPeople {
            for binding in draft.bindings where !knownPeople.contains(binding.person) {
                file.error(DidYouMean.unknown("person", binding.person, among: knownPeople.sorted()), at: binding.valueNode)
            }
            for (owner, node) in draft.touchpointOwners where !knownPeople.contains(owner) {
                file.error(DidYouMean.unknown("person", owner, among: knownPeople.sorted()), at: node)
            }
        }
        guard let workflow = workflows[draft.definition.workflow] else {
            if let knownWorkflows, !knownWorkflows.contains(draft.definition.workflow) {
                file.error(
                    DidYouMean.unknown("workflow", draft.definition.workflow, among: knownWorkflows.sorted()),
                    at: draft.workflowNode)
            }
            return
        }
        let followUpRole = draft.definition.survey?.followUpOwnerRole
        let used = workflow.roles + (followUpRole.map { [$0] } ?? [])
        let bound = draft.bindings.map(\.role)
        if let followUpRole, let node = draft.followUpRoleNode, !bound.contains(followUpRole) {
            file.error(DidYouMean.unknown("role", followUpRole, among: bound), at: node)
        }
        if draft.definition.goal?.target == nil, let step = workflow.steps.first(where: \.evaluates) {
            file.error(
                "workflow '\(workflow.id)' evaluates re-surveys against the goal (step '\(step.id)'); give goal.target",
                at: draft.workflowNode)
        }
        if draft.definition.survey == nil, let step = workflow.steps.first(where: { $0.survey != nil || $0.evaluates }) {
            file.error(
                "workflow '\(workflow.id)' surveys customers (step '\(step.id)'); give goal.metric or a survey: section",
                at: draft.workflowNode)
        }
        for role in workflow.roles where !bound.contains(role) {
            file.error("role '\(role)' of workflow '\(workflow.id)' is not bound to a person", at: draft.rolesNode)
        }
        let unbound = used.filter { !bound.contains($0) }
        for binding in draft.bindings where !used.contains(binding.role) {
            var message = "role '\(binding.role)' is not used by workflow '\(workflow.id)'"
            if let suggestion = DidYouMean.suggestion(for: binding.role, among: unbound) {
                message += "; did you mean '\(suggestion)'?"
            }
            file.error(message, at: binding.keyNode)
        }
        for step in workflow.steps where step.reminders.escalations.contains(where: { $0.to == .manager }) {
            guard let binding = draft.bindings.first(where: { $0.role == step.owner }),
                  let person = people[binding.person], person.manager == nil else { continue }
            file.error(
                "step '\(step.id)' escalates to the manager of '\(person.id)' (role '\(step.owner)'), but '\(person.id)' has no manager",
                at: binding.valueNode)
        }
    }
}

/// Checks `routes:` against the notifiers, the initiatives and the event kinds.
struct RouteChecker {
    static let eventKinds = Notice.Kind.allCases.map(\.rawValue)

    let file: SourceFile
    let notifiers: [String]
    /// Nil when some initiative file could not be identified: then none is reported as unknown.
    let initiatives: Set<InitiativeID>?

    func check(_ draft: MainConfigDraft) -> RouteTable {
        checkNotifiers(draft.defaultRoute)
        var rules: [RouteTable.Rule] = []
        for rule in draft.rules {
            checkNotifiers(rule.notifiers)
            for (event, node) in rule.events ?? [] where !Self.eventKinds.contains(event) {
                file.error(DidYouMean.unknown("event kind", event, among: Self.eventKinds), at: node)
            }
            if let initiatives {
                for (initiative, node) in rule.initiatives ?? [] where !initiatives.contains(initiative) {
                    file.error(DidYouMean.unknown("initiative", initiative, among: initiatives.sorted()), at: node)
                }
            }
            rules.append(RouteTable.Rule(
                events: rule.events?.map(\.0), initiatives: rule.initiatives?.map(\.0), labels: rule.labels,
                notifiers: rule.notifiers.map(\.0), continues: rule.continues))
        }
        checkNotifiers(draft.operators?.notifiers ?? [])
        return RouteTable(rules: rules, defaultNotifiers: draft.defaultRoute.map(\.0))
    }

    private func checkNotifiers(_ names: [(String, Node)]) {
        for (name, node) in names where !notifiers.contains(name) {
            file.error(DidYouMean.unknown("notifier", name, among: notifiers), at: node)
        }
    }
}
