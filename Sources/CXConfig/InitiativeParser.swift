import CXCore
import Yams

/// An initiative as read, with the nodes the cross-checks point at.
struct InitiativeDraft {
    struct Binding {
        var role: RoleID
        var person: PersonID
        var keyNode: Node
        var valueNode: Node
    }

    var definition: InitiativeDefinition
    var file: SourceFile
    var idNode: Node
    var workflowNode: Node
    /// The `roles:` mapping.
    var rolesNode: Node
    var bindings: [Binding]
    /// `owner:` of touchpoints, checked against the people.
    var touchpointOwners: [(PersonID, Node)] = []
    /// `survey.followup.owner`, checked against the role bindings.
    var followUpRoleNode: Node?
}

/// Reads one initiative file. Besides the required `id`, `title`, `workflow`, `start` and
/// `roles`, the known sections are type-checked (`goal`, `journey`, `personas`, `touchpoints`,
/// …) and free-form ones (`insights`, `priorities`, `actions`, `monitoring`, `survey`, `notes`)
/// are kept as they are. The whole file becomes the initiative's `document`.
struct InitiativeParser {
    static let metrics = ["NPS", "CSAT", "CES", "custom"]
    static let freeFormSections = ["insights", "priorities", "actions", "monitoring", "notes"]

    let file: SourceFile

    func parse(_ root: Node) -> InitiativeDraft? {
        guard var reader = MappingReader(root, in: file) else { return nil }
        let idNode = reader.required("id")
        let id = idNode.flatMap { file.string($0) }
        let title = reader.required("title").flatMap { file.string($0) }
        let workflowNode = reader.required("workflow")
        let workflow = workflowNode.flatMap { file.string($0, "a workflow id") }
        let start = reader.required("start").flatMap(file.date)
        let rolesNode = reader.required("roles")
        let bindings = rolesNode.flatMap(roles)
        var labels: [String] = []
        if let node = reader.optional("labels") { labels = file.stringList(node, of: "labels")?.map(\.0) ?? [] }
        let goal = reader.optional("goal").flatMap(readGoal)
        if let node = reader.optional("scope") { _ = file.string(node) }
        var stages: [String]?
        if let node = reader.optional("journey") { stages = journey(node) }
        if let node = reader.optional("personas") { personas(node) }
        let touchpoints = reader.optional("touchpoints").map { readTouchpoints($0, stages: stages) } ?? []
        let surveyNode = reader.optional("survey")
        let survey = surveyNode.flatMap {
            SurveyParser(file: file).parse($0, goalMetric: goal?.metric, touchpoints: touchpoints.map(\.0.id))
        }
        for section in Self.freeFormSections { _ = reader.optional(section) }
        reader.finish()
        guard let id, let idNode, let title, let workflow, let workflowNode, let start, let rolesNode, let bindings
        else { return nil }
        var roleMap: [RoleID: PersonID] = [:]
        for binding in bindings { roleMap[binding.role] = binding.person }
        // Without a `survey:` section, an initiative whose goal names NPS, CSAT or CES is
        // surveyed with the defaults.
        let settings = survey?.settings ?? goal?.metric.flatMap(SurveySettings.scale(forMetric:)).map { SurveySettings(scale: $0) }
        let definition = InitiativeDefinition(
            id: id, title: title, workflow: workflow, roles: roleMap, start: start, labels: labels,
            document: DocumentConverter.convert(root), sourcePath: file.path, goal: goal, stages: stages ?? [],
            touchpoints: touchpoints.map(\.0), survey: settings)
        return InitiativeDraft(
            definition: definition, file: file, idNode: idNode, workflowNode: workflowNode, rolesNode: rolesNode,
            bindings: bindings, touchpointOwners: touchpoints.compactMap { item in
                guard let owner = item.0.owner, let node = item.ownerNode else { return nil }
                return (owner, node)
            }, followUpRoleNode: survey?.followUpRoleNode)
    }

    private func roles(_ node: Node) -> [InitiativeDraft.Binding]? {
        guard let reader = MappingReader(node, in: file, expected: "a mapping of role to person id") else { return nil }
        var bindings: [InitiativeDraft.Binding] = []
        for entry in reader.entries {
            guard let person = file.string(entry.value, "a person id") else { continue }
            bindings.append(.init(role: entry.key, person: person, keyNode: entry.keyNode, valueNode: entry.value))
        }
        return bindings
    }

    private func readGoal(_ node: Node) -> Goal? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        var goal = Goal()
        if let statement = reader.optional("statement") { goal.statement = file.string(statement) }
        if let metricNode = reader.optional("metric"), let metric = file.string(metricNode, "a metric") {
            if Self.metrics.contains(metric) {
                goal.metric = metric
            } else {
                file.error(DidYouMean.unknown("metric", metric, among: Self.metrics), at: metricNode)
            }
        }
        if let baseline = reader.optional("baseline") { goal.baseline = file.number(baseline) }
        if let target = reader.optional("target") { goal.target = file.number(target) }
        if let by = reader.optional("by") { goal.by = file.date(by) }
        reader.finish()
        return goal
    }

    /// The journey's stage names, when they could be read.
    private func journey(_ node: Node) -> [String]? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let stages = reader.optional("stages").flatMap { file.stringList($0, of: "stage names") }?.map(\.0)
        _ = reader.optional("notes")
        // The lanes of the experience map, keyed by stage.
        if let node = reader.optional("actions") { stageMap(node, stages: stages, valueKind: .text) }
        if let node = reader.optional("emotions") { stageMap(node, stages: stages, valueKind: .emotion) }
        if let node = reader.optional("pain_points") { stageMap(node, stages: stages, valueKind: .list) }
        if let node = reader.optional("solutions") { stageMap(node, stages: stages, valueKind: .list) }
        reader.finish()
        return stages
    }

    enum LaneValue { case text, emotion, list }

    /// `{stage: value}` where every key is a journey stage.
    private func stageMap(_ node: Node, stages: [String]?, valueKind: LaneValue) {
        guard let reader = MappingReader(node, in: file, expected: "a mapping of journey stage to value") else { return }
        for entry in reader.entries {
            if let stages, !stages.contains(entry.key) {
                file.error(DidYouMean.unknown("journey stage", entry.key, among: stages), at: entry.keyNode)
            }
            switch valueKind {
            case .text: _ = file.string(entry.value)
            case .list: _ = file.stringList(entry.value)
            case .emotion:
                if let text = file.string(entry.value, "positive, neutral or negative"), Emotion(rawValue: text) == nil {
                    file.error("expected positive, neutral or negative, found '\(text)'", at: entry.value)
                }
            }
        }
    }

    private func personas(_ node: Node) {
        guard let items = file.list(node, of: "personas") else { return }
        for item in items {
            guard var reader = MappingReader(item, in: file) else { continue }
            if let name = reader.required("name") { _ = file.string(name) }
            if let description = reader.optional("description") { _ = file.string(description) }
            reader.finish()
        }
    }

    private func readTouchpoints(_ node: Node, stages: [String]?) -> [(Touchpoint, ownerNode: Node?)] {
        guard let items = file.list(node, of: "touchpoints") else { return [] }
        var first: [String: Node] = [:]
        var result: [(Touchpoint, ownerNode: Node?)] = []
        for item in items {
            guard var reader = MappingReader(item, in: file) else { continue }
            var id: String?
            if let idNode = reader.required("id"), let text = file.string(idNode) {
                if let earlier = first[text] {
                    file.error("duplicate touchpoint id '\(text)' (first at \(file.reference(to: earlier)))", at: idNode)
                } else {
                    first[text] = idNode
                    id = text
                }
            }
            let name = reader.required("name").flatMap { file.string($0) }
            var stage: String?
            if let stageNode = reader.optional("stage"), let text = file.string(stageNode) {
                stage = text
                if let stages, !stages.contains(text) {
                    file.error(DidYouMean.unknown("journey stage", text, among: stages), at: stageNode)
                }
            }
            let channel = reader.optional("channel").flatMap { file.string($0) }
            let controlled = reader.optional("controlled").flatMap(file.bool)
            let ownerNode = reader.optional("owner")
            let owner = ownerNode.flatMap { file.string($0, "a person id") }
            reader.finish()
            if let id, let name {
                result.append((
                    Touchpoint(id: id, name: name, stage: stage, channel: channel, controlled: controlled, owner: owner),
                    ownerNode))
            }
        }
        return result
    }
}
