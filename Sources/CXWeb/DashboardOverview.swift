import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

/// What the overview page adds to a page of status lines: each initiative's step list (for
/// its step bar) and its survey metric now against its target. Read in one transaction with
/// a few indexed lookups per row shown, so a page costs the same however many initiatives
/// exist (never `Engine.detail` per row, which reads every run, event and round).
struct OverviewExtras: Sendable {
    struct Row: Sendable {
        var steps: [Step]
        /// The latest round with an answer on the scale.
        var metric: MetricResult?
        var round: Int?
        var metricName: String?
        var target: Double?
    }

    var rows: [InitiativeID: Row]

    static func read(for ids: [InitiativeID], engine: Engine) async throws -> OverviewExtras {
        let configuration = engine.configuration
        return try await engine.store.read { tx in
            var rows: [InitiativeID: Row] = [:]
            for id in ids {
                // The workflow (for the step list), the goal and the survey's scale.
                let summary: (workflow: WorkflowID, goal: Goal?, scale: SurveyScale?)
                if configuration.initiativesLoaded {
                    guard let definition = configuration.initiatives[id] else { continue }
                    summary = (definition.workflow, definition.goal, definition.survey?.scale)
                } else {
                    guard let stored = try tx.definitionSummary(of: id) else { continue }
                    summary = (stored.workflow, stored.goal, stored.survey?.scale)
                }
                var row = Row(
                    steps: configuration.workflows[summary.workflow]?.steps ?? [],
                    metricName: summary.scale.map { $0.metric.rawValue.uppercased() } ?? summary.goal?.metric,
                    target: summary.goal?.target)
                if let scale = summary.scale {
                    // The newest round first; an empty one (just opened) gives way to the one before.
                    for round in try tx.rounds(of: id).suffix(2).reversed() {
                        let metric = SurveyMetrics.measure(try tx.tally(round: round.number, of: id).overall, on: scale)
                        guard metric.value != nil else { continue }
                        row.metric = metric
                        row.round = round.number
                        break
                    }
                }
                rows[id] = row
            }
            return OverviewExtras(rows: rows)
        }
    }
}
