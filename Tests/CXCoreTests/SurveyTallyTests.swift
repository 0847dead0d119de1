import CXCore
import Foundation
import PropertyBased
import Testing

/// The metrics as they were computed before tallies, straight from the answers: an independent
/// oracle that the tally-based implementation must agree with.
enum AnswerOracle {
    static func measure(_ responses: [SurveyResponse], on scale: SurveyScale) -> MetricResult {
        var valid: [Int] = []
        var unanswered = 0, invalid = 0
        for response in responses {
            guard let score = response.score else { unanswered += 1; continue }
            if scale.contains(score) { valid.append(score) } else { invalid += 1 }
        }
        let n = valid.count
        func percent(_ count: Int) -> Double? { n > 0 ? Double(count) / Double(n) * 100 : nil }
        var result: MetricResult
        switch scale.metric {
        case .nps:
            let promoters = valid.count { $0 >= 9 }, detractors = valid.count { $0 <= 6 }
            var interval: ConfidenceInterval?
            if n > 0 {
                let p = Double(promoters) / Double(n), d = Double(detractors) / Double(n)
                let score = (p - d) * 100
                let half = Distributions.z95 * 100 * (max(0, p + d - (p - d) * (p - d)) / Double(n)).squareRoot()
                interval = ConfidenceInterval(lower: max(-100, score - half), upper: min(100, score + half))
            }
            let parts = NPSComponents(
                promoters: promoters, passives: n - promoters - detractors, detractors: detractors,
                promoterPercent: percent(promoters), passivePercent: percent(n - promoters - detractors),
                detractorPercent: percent(detractors))
            result = MetricResult(
                kind: .nps, scale: scale, value: n > 0 ? Double(promoters - detractors) / Double(n) * 100 : nil, n: n,
                interval: interval, components: .nps(parts))
        case .csat:
            let top = valid.count { $0 >= scale.max - 1 }
            result = MetricResult(
                kind: .csat, scale: scale, value: percent(top), n: n,
                interval: wilsonPercent(top, n), components: .csat(CSATComponents(topTwoBox: top, threshold: scale.max - 1)))
        case .ces, .customMean:
            let sample = MeanSample(values: valid.map(Double.init))
            let good = valid.count { $0 >= scale.goodThreshold }
            var interval: ConfidenceInterval?
            if let error = sample.standardError {
                let half = error == 0 ? 0 : Distributions.t95(df: Double(n - 1)) * error
                interval = ConfidenceInterval(
                    lower: max(Double(scale.min), sample.mean - half), upper: min(Double(scale.max), sample.mean + half))
            }
            let parts = MeanComponents(
                mean: n > 0 ? sample.mean : nil, standardDeviation: sample.standardDeviation, goodThreshold: scale.goodThreshold,
                good: good, goodPercent: percent(good), goodInterval: wilsonPercent(good, n))
            result = MetricResult(
                kind: scale.metric, scale: scale, value: n > 0 ? sample.mean : nil, n: n, interval: interval,
                components: .mean(parts))
        }
        result.unanswered = unanswered
        result.invalid = invalid
        return result
    }

    static func wilsonPercent(_ successes: Int, _ n: Int) -> ConfidenceInterval? {
        WilsonInterval.interval(successes: successes, trials: n).map {
            ConfidenceInterval(lower: $0.lower * 100, upper: $0.upper * 100)
        }
    }

    /// Overall and per touchpoint, detractors counted answer by answer.
    static func report(_ responses: [SurveyResponse], on scale: SurveyScale) -> TouchpointReportFigures {
        let groups = Dictionary(grouping: responses.filter { $0.touchpoint != nil }) { $0.touchpoint ?? "" }
        return TouchpointReportFigures(
            overall: measure(responses, on: scale), overallEmotions: EmotionCounts(responses),
            overallDetractors: responses.count { scale.isDetractor($0) }, untagged: responses.count { $0.touchpoint == nil },
            touchpoints: groups.keys.sorted().map { id in
                let group = groups[id] ?? []
                return (id, measure(group, on: scale), EmotionCounts(group), group.count { scale.isDetractor($0) })
            })
    }
}

struct TouchpointReportFigures {
    var overall: MetricResult
    var overallEmotions: EmotionCounts
    var overallDetractors: Int
    var untagged: Int
    var touchpoints: [(id: String, metric: MetricResult, emotions: EmotionCounts, detractors: Int)]
}

/// Within 1e-12, relative to the larger magnitude (absolute below 1).
func nearlyEqual(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-12 * max(1, abs(a), abs(b))
}

func nearlyEqual(_ a: ConfidenceInterval?, _ b: ConfidenceInterval?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return nearlyEqual(a.lower, b.lower) && nearlyEqual(a.upper, b.upper)
}

/// Counts equal exactly, floating-point figures within 1e-12.
func expectSameMetric(_ actual: MetricResult, _ expected: MetricResult, _ context: String) {
    #expect(actual.kind == expected.kind && actual.scale == expected.scale, "\(context)")
    #expect(actual.n == expected.n && actual.unanswered == expected.unanswered && actual.invalid == expected.invalid, "\(context)")
    #expect(nearlyEqual(actual.value, expected.value), "\(context): value \(String(describing: actual.value)) vs \(String(describing: expected.value))")
    #expect(nearlyEqual(actual.interval, expected.interval), "\(context): interval")
    switch (actual.components, expected.components) {
    case (.nps(let a), .nps(let b)):
        #expect(a.promoters == b.promoters && a.passives == b.passives && a.detractors == b.detractors, "\(context)")
        #expect(nearlyEqual(a.promoterPercent, b.promoterPercent) && nearlyEqual(a.passivePercent, b.passivePercent)
            && nearlyEqual(a.detractorPercent, b.detractorPercent), "\(context)")
    case (.csat(let a), .csat(let b)):
        #expect(a == b, "\(context)")
    case (.mean(let a), .mean(let b)):
        #expect(nearlyEqual(a.mean, b.mean) && nearlyEqual(a.standardDeviation, b.standardDeviation), "\(context): mean, sd")
        #expect(a.good == b.good && a.goodThreshold == b.goodThreshold, "\(context)")
        #expect(nearlyEqual(a.goodPercent, b.goodPercent) && nearlyEqual(a.goodInterval, b.goodInterval), "\(context)")
    default:
        Issue.record("\(context): components of different kinds")
    }
}

@Suite("Survey tallies: metrics from counts equal metrics from the answers")
struct SurveyTallyTests {
    static let scales: [SurveyScale] = [.nps, .csat, .ces, .custom(min: 2, max: 9, good: 7), .custom(min: 5, max: 3, good: 4)]

    /// Each code is one answer: score −1…11 (−2: unanswered), touchpoint none/a/b/c, emotion
    /// none/positive/neutral/negative. Scores outside a scale are kept, to be counted invalid.
    static func answers(_ codes: [Int]) -> [SurveyResponse] {
        codes.enumerated().map { index, code in
            let score = code % 14 - 2
            let touchpoint = [nil, "a", "b", "c"][(code / 14) % 4]
            let emotion = [nil, Emotion.positive, .neutral, .negative][(code / 56) % 4]
            return SurveyResponse(respondent: "r\(index)", score: score == -2 ? nil : score, touchpoint: touchpoint, emotion: emotion)
        }
    }

    static let rounds = Gen.int(in: 0...223).array(of: 0...80)

    @Test func metricsFromATallyEqualMetricsComputedAnswerByAnswer() async {
        await propertyCheck(count: 300, input: Self.rounds) { codes in
            let responses = Self.answers(codes)
            for scale in Self.scales {
                expectSameMetric(
                    SurveyMetrics.measure(ResponseTally(responses), on: scale), AnswerOracle.measure(responses, on: scale),
                    "\(scale) \(codes)")
            }
        }
    }

    @Test func touchpointReportsFromATallyEqualReportsComputedAnswerByAnswer() async {
        await propertyCheck(count: 300, input: Self.rounds) { codes in
            let responses = Self.answers(codes)
            for scale in Self.scales {
                let report = TouchpointReport(tally: RoundTally(responses), scale: scale)
                let expected = AnswerOracle.report(responses, on: scale)
                expectSameMetric(report.overall, expected.overall, "\(scale) overall \(codes)")
                #expect(report.overallEmotions == expected.overallEmotions)
                #expect(report.overallDetractors == expected.overallDetractors, "\(scale) \(codes)")
                #expect(report.untagged == expected.untagged)
                #expect(report.touchpoints.map(\.touchpoint) == expected.touchpoints.map(\.id))
                for (breakdown, figures) in zip(report.touchpoints, expected.touchpoints) {
                    expectSameMetric(breakdown.metric, figures.metric, "\(scale) \(figures.id) \(codes)")
                    #expect(breakdown.emotions == figures.emotions)
                    #expect(breakdown.detractors == figures.detractors, "\(scale) \(figures.id) \(codes)")
                }
            }
        }
    }

    /// The store's path: one `add(…, count:)` per (touchpoint, score, emotion) group, as a
    /// `GROUP BY` gives them, builds the same tally as adding the answers one by one; and tallies
    /// of two batches add up to the tally of both.
    @Test func groupedCountsAndSumsOfTalliesEqualTheTallyOfTheAnswers() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...223).array(of: 0...80).array(of: 2)) { batches in
            let first = Self.answers(batches[0]), second = Self.answers(batches[1])
            let groups = Dictionary(grouping: first + second) { "\($0.touchpoint ?? "-")|\(String(describing: $0.score))|\(String(describing: $0.emotion))" }
            var grouped = RoundTally()
            for key in groups.keys.sorted() {
                guard let group = groups[key], let answer = group.first else { continue }
                grouped.add(touchpoint: answer.touchpoint, score: answer.score, emotion: answer.emotion, count: group.count)
            }
            #expect(grouped == RoundTally(first + second))
            #expect(ResponseTally(first) + ResponseTally(second) == ResponseTally(first + second))
            #expect(grouped.overall == ResponseTally(first + second))
        }
    }

    /// A low score with a negative emotion is one detractor, not two; a negative emotion makes a
    /// detractor whatever the score (unanswered or off the scale too); an off-scale score alone
    /// never does.
    @Test func anAnswerThatIsBothALowScoreAndNegativeIsOneDetractor() {
        let groups: [(score: Int?, emotion: Emotion?, count: Int)] = [
            (3, .negative, 5), (3, nil, 2), (6, .neutral, 1), (8, .negative, 1), (9, nil, 4), (nil, .negative, 4),
            (12, .negative, 1), (12, nil, 3),
        ]
        var tally = ResponseTally()
        var responses: [SurveyResponse] = []
        for group in groups {
            tally.add(score: group.score, emotion: group.emotion, count: group.count)
            responses += (0..<group.count).map { _ in SurveyResponse(respondent: "x", score: group.score, emotion: group.emotion) }
        }
        #expect(tally.detractors(on: .nps) == responses.count { SurveyScale.nps.isDetractor($0) })
        #expect(tally.detractors(on: .nps) == 5 + 2 + 1 + 1 + 4 + 1)
        #expect(tally.negativeScores == [3: 5, 8: 1, 12: 1])
    }

    /// A million answers far from zero: 500 000 at 10⁹ and 500 000 at 10⁹ + 2. x̄ = 10⁹ + 1 and
    /// s² = 10⁶/(10⁶ − 1) exactly; Σx² − n·x̄² would lose every digit (Σx² ≈ 10²⁴).
    @Test func meansAndVariancesFromCountsAreExactFarFromZero() throws {
        let base = 1_000_000_000
        let scale = SurveyScale.custom(min: base, max: base + 2, good: base + 1)
        var tally = ResponseTally()
        tally.add(score: base, emotion: nil, count: 500_000)
        tally.add(score: base + 2, emotion: nil, count: 500_000)
        let result = SurveyMetrics.measure(tally, on: scale)
        let parts = try #require(result.mean)
        #expect(result.n == 1_000_000)
        #expect(parts.mean == Double(base + 1))
        let expected = (1_000_000.0 / 999_999.0).squareRoot()
        #expect(abs(try #require(parts.standardDeviation) - expected) <= 1e-15 * expected)
        #expect(parts.good == 500_000)
    }

    /// Counts per score give the same summary as the values themselves.
    @Test func meanSampleFromCountsMatchesMeanSampleFromValues() async {
        await propertyCheck(count: 300, input: Gen.int(in: -50...50).array(of: 0...60)) { scores in
            let counts = Dictionary(scores.map { ($0, 1) }, uniquingKeysWith: +)
            let fromCounts = MeanSample(counts: counts), fromValues = MeanSample(scores: scores)
            #expect(fromCounts.n == fromValues.n)
            #expect(nearlyEqual(fromCounts.mean, fromValues.mean) && nearlyEqual(fromCounts.variance, fromValues.variance))
        }
    }
}
