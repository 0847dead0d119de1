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
}

/// Reads one initiative file. Besides the required `id`, `title`, `workflow`, `start` and
/// `roles`, the known sections are type-checked (`goal`, `journey`, `personas`, `touchpoints`,
/// …) and free-form ones (`insights`, `priorities`, `actions`, `monitoring`, `survey`, `notes`)
/// are kept as they are. The whole file becomes the initiative's `document`.
struct InitiativeParser {
    static let metrics = ["NPS", "CSAT", "CES", "custom"]
    static let freeFormSections = ["insights", "priorities", "actions", "monitoring", "survey", "notes"]

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
        if let node = reader.optional("goal") { goal(node) }
        if let node = reader.optional("scope") { _ = file.string(node) }
        var stages: [String]?
        if let node = reader.optional("journey") { stages = journey(node) }
        if let node = reader.optional("personas") { personas(node) }
        if let node = reader.optional("touchpoints") { touchpoints(node, stages: stages) }
        for section in Self.freeFormSections { _ = reader.optional(section) }
        reader.finish()
        guard let id, let idNode, let title, let workflow, let workflowNode, let start, let rolesNode, let bindings
        else { return nil }
        var roleMap: [RoleID: PersonID] = [:]
        for binding in bindings { roleMap[binding.role] = binding.person }
        let definition = InitiativeDefinition(
            id: id, title: title, workflow: workflow, roles: roleMap, start: start, labels: labels,
            document: DocumentConverter.convert(root), sourcePath: file.path)
        return InitiativeDraft(
            definition: definition, file: file, idNode: idNode, workflowNode: workflowNode, rolesNode: rolesNode,
            bindings: bindings)
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

    private func goal(_ node: Node) {
        guard var reader = MappingReader(node, in: file) else { return }
        if let statement = reader.optional("statement") { _ = file.string(statement) }
        if let metricNode = reader.optional("metric"), let metric = file.string(metricNode, "a metric"),
           !Self.metrics.contains(metric) {
            file.error(DidYouMean.unknown("metric", metric, among: Self.metrics), at: metricNode)
        }
        if let baseline = reader.optional("baseline") { _ = file.number(baseline) }
        if let target = reader.optional("target") { _ = file.number(target) }
        if let by = reader.optional("by") { _ = file.date(by) }
        reader.finish()
    }

    /// The journey's stage names, when they could be read.
    private func journey(_ node: Node) -> [String]? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let stages = reader.optional("stages").flatMap { file.stringList($0, of: "stage names") }?.map(\.0)
        _ = reader.optional("notes")
        reader.finish()
        return stages
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

    private func touchpoints(_ node: Node, stages: [String]?) {
        guard let items = file.list(node, of: "touchpoints") else { return }
        var first: [String: Node] = [:]
        for item in items {
            guard var reader = MappingReader(item, in: file) else { continue }
            if let idNode = reader.required("id"), let id = file.string(idNode) {
                if let earlier = first[id] {
                    file.error("duplicate touchpoint id '\(id)' (first at \(file.reference(to: earlier)))", at: idNode)
                } else {
                    first[id] = idNode
                }
            }
            if let name = reader.required("name") { _ = file.string(name) }
            if let stageNode = reader.optional("stage"), let stage = file.string(stageNode), let stages,
               !stages.contains(stage) {
                file.error(DidYouMean.unknown("journey stage", stage, among: stages), at: stageNode)
            }
            if let channel = reader.optional("channel") { _ = file.string(channel) }
            if let controlled = reader.optional("controlled") { _ = file.bool(controlled) }
            reader.finish()
        }
    }
}
