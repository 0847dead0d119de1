import CXCore
import Yams

/// Reads an initiative's `survey:` section:
///
/// ```yaml
/// survey:
///   metric: CSAT                 # NPS, CSAT, CES or custom (default: goal.metric)
///   scale: {min: 1, max: 10, good: 8}   # custom only
///   touchpoints: [checkout]      # asked about (default: all)
///   questions: ["…"]
///   min_sample: 30
///   window: 2w
///   quota: 200                  # default 150; `none`: no quota
///   cadence: 4w
///   drop_below: 75
///   min_gap: 7d
///   respondent_cap: {max: 2, per: 90d}
///   followup: {due: 48h, owner: analyst}
/// ```
struct SurveyParser {
    struct Result {
        var settings: SurveySettings?
        var followUpRoleNode: Node?
    }

    let file: SourceFile

    func parse(_ node: Node, goalMetric: String?, touchpoints: [String]) -> Result {
        guard var reader = MappingReader(node, in: file) else { return Result() }
        var metric = goalMetric
        if let metricNode = reader.optional("metric"), let text = file.string(metricNode, "a metric") {
            if InitiativeParser.metrics.contains(text) {
                metric = text
            } else {
                file.error(DidYouMean.unknown("metric", text, among: InitiativeParser.metrics), at: metricNode)
            }
        }
        var scale = metric.flatMap(SurveySettings.scale(forMetric:))
        let scaleNode = reader.optional("scale")
        if let scaleNode {
            if metric == "custom" {
                scale = customScale(scaleNode)
            } else {
                file.error("a scale is given only for metric custom (NPS, CSAT and CES have fixed scales)", at: scaleNode)
            }
        } else if metric == "custom" {
            file.error("metric custom needs `scale: {min, max, good}`", at: node)
        }
        if metric == nil {
            file.error("the survey needs a metric: give survey.metric or goal.metric (NPS, CSAT, CES or custom)", at: node)
        }
        var settings = SurveySettings(scale: scale ?? .nps)
        if let list = reader.optional("touchpoints").flatMap({ file.stringList($0, of: "touchpoint ids") }) {
            for (id, idNode) in list where !touchpoints.contains(id) {
                file.error(DidYouMean.unknown("touchpoint", id, among: touchpoints), at: idNode)
            }
            settings.touchpoints = list.map(\.0)
        }
        if let list = reader.optional("questions").flatMap({ file.stringList($0, of: "questions") }) {
            settings.questions = list.map(\.0)
        }
        if let value = reader.optional("min_sample").flatMap({ file.integer($0, atLeast: 1) }) { settings.minimumSample = value }
        if let value = reader.optional("window").flatMap(file.duration) { settings.window = value }
        if let quotaNode = reader.optional("quota") { settings.quota = quota(quotaNode) ?? settings.quota }
        if let value = reader.optional("cadence").flatMap(file.duration) { settings.cadence = value }
        if let value = reader.optional("drop_below").flatMap(file.number) { settings.dropBelow = value }
        if let value = reader.optional("min_gap").flatMap(file.duration) { settings.minimumGap = value }
        if let capNode = reader.optional("respondent_cap"), var cap = MappingReader(capNode, in: file) {
            settings.respondentCap = cap.required("max").flatMap { file.integer($0, atLeast: 1) }
            if let per = cap.optional("per").flatMap(file.duration) { settings.respondentWindow = per }
            cap.finish()
        }
        var roleNode: Node?
        if let followNode = reader.optional("followup"), var follow = MappingReader(followNode, in: file) {
            if let due = follow.optional("due").flatMap(file.duration) { settings.followUpDue = due }
            roleNode = follow.optional("owner")
            settings.followUpOwnerRole = roleNode.flatMap { file.string($0, "a role") }
            follow.finish()
        }
        reader.finish()
        return Result(settings: scale == nil ? nil : settings, followUpRoleNode: roleNode)
    }

    /// `quota:`: a whole number ≥ 1, or `none` for no quota (the outer nil: not readable).
    private func quota(_ node: Node) -> Int?? {
        if case .scalar(let scalar) = node, ScalarResolver.tagName(of: node) == .str, scalar.string == "none" {
            return .some(nil)
        }
        if ScalarResolver.tagName(of: node) == .int, let value = node.int, value >= 1 { return value }
        file.mismatch("a whole number ≥ 1, or none", node)
        return nil
    }

    private func customScale(_ node: Node) -> SurveyScale? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let min = reader.required("min").flatMap { file.integer($0) }
        let max = reader.required("max").flatMap { file.integer($0) }
        let good = reader.required("good").flatMap { file.integer($0) }
        reader.finish()
        guard let min, let max, let good else { return nil }
        let scale = SurveyScale.custom(min: min, max: max, good: good)
        if let problem = scale.problem {
            file.error(problem, at: node)
            return nil
        }
        return scale
    }
}
