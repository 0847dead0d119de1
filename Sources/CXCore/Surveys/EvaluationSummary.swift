import Foundation

/// The English sentence of an `Evaluation`. Numbers use a fixed format (no locale): one decimal
/// for NPS and percentages, two for means; p-values with three significant digits (more when
/// needed to show which side of 0.05 they lie on), or "p < 0.001".
enum EvaluationSummary {
    static func sentence(for evaluation: Evaluation) -> String {
        let metric = name(of: evaluation.kind)
        let current = evaluation.current
        let target = number(evaluation.target, evaluation.kind)
        switch evaluation.outcome {
        case .insufficientData:
            return insufficient(evaluation, metric: metric)
        case .goalMet:
            var text = "Goal met: \(metric) is \(number(current.value, evaluation.kind)) (n = \(current.n)), "
                + "at or above the target of \(target)"
            if let change = change(evaluation) { text += "; \(change)" }
            return text + "."
        case .improved:
            return "Improved, not yet at target: \(metric) rose \(movement(evaluation)); "
                + "the target is \(target)."
        case .noSignificantChange:
            return "No significant change: \(metric) moved \(movement(evaluation)); "
                + "the target of \(target) is not met."
        case .worse:
            return "Worse: \(metric) fell \(movement(evaluation)); the target is \(target)."
        }
    }

    private static func insufficient(_ evaluation: Evaluation, metric: String) -> String {
        let minimum = evaluation.minimumSampleSize
        var counts = "the re-survey has \(evaluation.current.n) answered \(plural(evaluation.current.n))"
        if let baseline = evaluation.baselineRound {
            counts += " and the baseline round \(baseline.n)"
        }
        if evaluation.current.n >= minimum, evaluation.baselineRound.map({ $0.n >= minimum }) ?? true {
            return "Insufficient data: \(counts), too few to compare \(metric) "
                + "(means need at least 2 answers per round)."
        }
        let needs = evaluation.baselineRound == nil ? "" : " in each"
        return "Insufficient data: \(counts); at least \(minimum)\(needs) "
            + "\(minimum == 1 ? "is" : "are") needed to judge \(metric)."
    }

    /// "from 30.0 (n = 110) to 36.0 (n = 120), +6.0 (95 % CI +1.2 to +10.8, p = 0.012)".
    private static func movement(_ evaluation: Evaluation) -> String {
        let kind = evaluation.kind
        var from = number(evaluation.baselineValue, kind)
        if let round = evaluation.baselineRound { from += " (n = \(round.n))" }
        else { from += " (fixed baseline)" }
        var text = "from \(from) to \(number(evaluation.current.value, kind)) (n = \(evaluation.current.n))"
        if let comparison = evaluation.comparison { text += ", " + details(comparison, kind) }
        return text
    }

    /// "up from 30.0 at baseline, +12.0 (95 % CI …, p = …)", or nil without a comparison.
    private static func change(_ evaluation: Evaluation) -> String? {
        guard let comparison = evaluation.comparison else { return nil }
        return "baseline \(number(comparison.baseline, evaluation.kind)), change " + details(comparison, evaluation.kind)
    }

    private static func details(_ comparison: Comparison, _ kind: MetricKind) -> String {
        let interval = comparison.interval
        return "\(signed(comparison.difference, kind)) (95 % CI \(signed(interval.lower, kind)) "
            + "to \(signed(interval.upper, kind)), \(pText(comparison.pValue)))"
    }

    private static func name(of kind: MetricKind) -> String {
        switch kind {
        case .nps: "NPS"
        case .csat: "CSAT"
        case .ces: "the CES mean"
        case .customMean: "the mean score"
        }
    }

    private static func plural(_ count: Int) -> String { count == 1 ? "response" : "responses" }

    private static func decimals(_ kind: MetricKind) -> Int {
        kind == .ces || kind == .customMean ? 2 : 1
    }

    static func number(_ value: Double?, _ kind: MetricKind) -> String {
        guard let value else { return "n/a" }
        let text = String(format: "%.\(decimals(kind))f", value)
        return kind == .csat ? text + " %" : text
    }

    /// With an explicit sign; values that round to zero print as "+0.0", never "-0.0".
    static func signed(_ value: Double, _ kind: MetricKind) -> String {
        let scale = pow(10, Double(decimals(kind)))
        let shown = (value * scale).rounded() == 0 ? 0 : value
        let text = String(format: "%+.\(decimals(kind))f", shown)
        return kind == .csat ? text + " pp" : text
    }

    /// "p < 0.001", else p with three significant digits ("p = 0.0499", "p = 0.0501",
    /// "p = 0.474"). Digits are added while rounding would carry p across 0.05, so a printed
    /// p-value always reads on the same side of 0.05 as the verdict (0.049996 prints as
    /// "p = 0.049996", never "p = 0.0500").
    static func pText(_ p: Double) -> String {
        if p.isNaN { return "p = n/a" }
        guard p >= 0.001 else { return "p < 0.001" }
        var decimals = Swift.max(0, 2 - Int(floor(log10(p))))
        var text = String(format: "%.\(decimals)f", p)
        while let shown = Double(text), (shown < 0.05) != (p < 0.05), decimals < 17 {
            decimals += 1
            text = String(format: "%.\(decimals)f", p)
        }
        return "p = " + text
    }
}
