import CXConfig
import CXCore
import CXStore
import CXSurveys
import Foundation

/// `cxd survey show`: one round's metrics, overall and per touchpoint, with emotions and the
/// touchpoint ranking that feeds step 5 (prioritize).
public struct SurveyShow: Codable, Sendable {
    public var initiative: InitiativeID
    public var round: SurveyRound
    public var report: TouchpointReport
    /// Most in need of improvement first: more follow-ups, then a lower metric.
    public var ranking: [TouchpointRank]
}

public struct TouchpointRank: Codable, Sendable {
    public var touchpoint: String
    public var name: String
    public var value: Double?
    public var n: Int
    public var detractors: Int
    public var openFollowUps: Int
    public var followUps: Int
}

/// The metric across rounds (baseline → each round → target) and the last verdict, for
/// `cxd status ID`.
public struct SurveyTrend: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var round: Int
        public var cycle: Int
        public var trigger: String
        public var status: String
        public var n: Int
        public var value: Double?
        public var interval: ConfidenceInterval?
    }

    public var metric: String
    public var baseline: Double?
    public var target: Double?
    public var rounds: [Point]
    public var lastVerdict: String?
    public var lastSummary: String?
}

extension Engine {
    public func surveyShow(_ id: InitiativeID, round number: Int?) async throws -> SurveyShow {
        let configuration = try await withDefinitions(of: [id])
        guard let context = configuration.context(for: id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
        guard let settings = context.definition.survey else { throw SurveyError.noSurvey(id) }
        return try await store.read { tx in
            let rounds = try tx.rounds(of: id)
            guard let round = number.map({ n in rounds.first { $0.number == n } }) ?? rounds.last else {
                throw number.map { SurveyError.unknownRound(id, $0) } ?? SurveyError.unknownRound(id, 1)
            }
            let report = TouchpointReport(tally: try tx.tally(round: round.number, of: id), scale: settings.scale)
            let followUps = try tx.followUpCounts(of: id)
            let ranking = context.definition.touchpoints.map { touchpoint in
                let breakdown = report.breakdown(for: touchpoint.id)
                let counts = followUps[touchpoint.id] ?? (open: 0, total: 0)
                return TouchpointRank(
                    touchpoint: touchpoint.id, name: touchpoint.name, value: breakdown?.metric.value,
                    n: breakdown?.metric.n ?? 0, detractors: breakdown?.detractors ?? 0,
                    openFollowUps: counts.open, followUps: counts.total)
            }.sorted { lhs, rhs in
                if lhs.followUps != rhs.followUps { return lhs.followUps > rhs.followUps }
                return (lhs.value ?? .infinity, lhs.touchpoint) < (rhs.value ?? .infinity, rhs.touchpoint)
            }
            return SurveyShow(initiative: id, round: round, report: report, ranking: ranking)
        }
    }

    func surveyTrend(_ id: InitiativeID, tx: StoreTransaction) throws -> SurveyTrend? {
        guard let context = configuration.context(for: id), let settings = context.definition.survey else { return nil }
        let points = try tx.rounds(of: id).map { round -> SurveyTrend.Point in
            // From the answers as they stand (late ones included), never a copy made at closing.
            let metric = SurveyMetrics.measure(try tx.tally(round: round.number, of: id).overall, on: settings.scale)
            return SurveyTrend.Point(
                round: round.number, cycle: round.cycle, trigger: round.trigger.description, status: round.status.rawValue,
                n: metric.n, value: metric.value, interval: metric.interval)
        }
        let verdict = try tx.lastEvent(of: id, kind: "cycle.evaluated")
        return SurveyTrend(
            metric: settings.scale.metric.rawValue.uppercased(), baseline: context.definition.goal?.baseline,
            target: context.definition.goal?.target, rounds: points, lastVerdict: verdict?.entry.details["outcome"],
            lastSummary: verdict?.entry.details["summary"])
    }
}

extension Engine {
    /// The experience map, with emotions from every answer on record when there are any.
    public func journeyMap(_ id: InitiativeID) async throws -> JourneyMap {
        let configuration = try await withDefinitions(of: [id])
        guard let context = configuration.context(for: id) else { throw EngineError.unknownInitiative(id, known: knownIDs) }
        let emotions: [String: EmotionCounts] = try await store.read { tx in
            guard try tx.initiative(id) != nil else { return [:] }
            var emotions: [String: EmotionCounts] = [:]
            for round in try tx.rounds(of: id) {
                for (touchpoint, tally) in try tx.tally(round: round.number, of: id).touchpoints {
                    // Answers without an emotion say nothing about the touchpoint's mood.
                    var expressed = tally.emotions
                    expressed.unspecified = 0
                    emotions[touchpoint] = (emotions[touchpoint] ?? EmotionCounts()) + expressed
                }
            }
            return emotions.filter { $0.value.total > 0 }
        }
        return JourneyMap(definition: context.definition, emotions: emotions)
    }
}
