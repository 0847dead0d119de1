import CXConfig
import CXCore
import CXDaemon
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
                // The definition without its documents: the step list and the survey settings.
                let definition = try configuration.initiativesLoaded ? configuration.initiatives[id] : tx.definition(of: id, document: false)
                guard let definition else { continue }
                var row = Row(
                    steps: configuration.workflows[definition.workflow]?.steps ?? [],
                    metricName: definition.survey.map { $0.scale.metric.rawValue.uppercased() } ?? definition.goal?.metric,
                    target: definition.goal?.target)
                if let scale = definition.survey?.scale {
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
