import CXCore
import CXEngine
import CXSurveys
import Foundation

/// The metric trend of an initiative as an SVG chart made on the server: the baseline, each
/// survey round with its 95 % interval as an error bar, and the target as a dashed line.
/// Styled by presentation attributes only (`fill=`, `stroke=`), never `style=`, which the
/// dashboard's content security policy (`style-src 'self'`) would block.
struct TrendChart {
    struct Labels {
        var baseline: String
        var target: String
        var round: String
        /// Said by screen readers, as the chart's name.
        var title: String
    }

    var trend: SurveyTrend
    var labels: Labels

    static let width = 640.0
    static let height = 260.0
    static let left = 56.0
    static let right = 96.0
    static let top = 18.0
    static let bottom = 44.0

    /// Nil when there is nothing to draw (no baseline, no target, no round with a value).
    func svg() -> String? {
        let points = trend.rounds.compactMap { point in point.value.map { (point, $0) } }
        var values = points.flatMap { point, value in [value, point.interval?.lower ?? value, point.interval?.upper ?? value] }
        values += [trend.baseline, trend.target].compactMap { $0 }
        guard let low = values.min(), let high = values.max() else { return nil }
        let (bottomValue, topValue, step) = Self.axis(low, high)
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - (value - bottomValue) / (topValue - bottomValue)) }
        // Columns: the baseline, then each round.
        let columns = (trend.baseline == nil ? 0 : 1) + points.count
        func x(_ column: Int) -> Double {
            columns <= 1 ? Self.left + plotWidth / 2 : Self.left + 24 + (plotWidth - 48) * Double(column) / Double(columns - 1)
        }

        var out: [String] = []
        out.append(
            ##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="\##(Int(Self.width))" height="\##(Int(Self.height))" viewBox="0 0 \##(Int(Self.width)) \##(Int(Self.height))" font-family="system-ui, sans-serif" font-size="12">"##)
        out.append("<title>\(SVGText.escape(labels.title))</title>")
        var tick = bottomValue
        while tick <= topValue + step / 2 {
            out.append(##"<line x1="\##(Self.left)" y1="\##(y(tick))" x2="\##(Self.width - Self.right)" y2="\##(y(tick))" stroke="#e6e9ed"/>"##)
            out.append(Self.text(Self.left - 8, y(tick) + 4, Self.number(tick), anchor: "end", fill: "#656d76"))
            tick += step
        }
        if let target = trend.target {
            out.append(
                ##"<line x1="\##(Self.left)" y1="\##(y(target))" x2="\##(Self.width - Self.right)" y2="\##(y(target))" stroke="#1a7f37" stroke-width="2" stroke-dasharray="6 4"/>"##)
            out.append(Self.text(Self.width - Self.right + 6, y(target) + 4, "\(labels.target) \(Self.number(target))", fill: "#1a7f37", weight: "bold"))
        }
        var path: [(Double, Double)] = []
        var column = 0
        if let baseline = trend.baseline {
            path.append((x(0), y(baseline)))
            out.append(##"<circle cx="\##(x(0))" cy="\##(y(baseline))" r="5" fill="#8c959f"/>"##)
            out.append(Self.text(x(0), y(baseline) - 10, Self.number(baseline), anchor: "middle", fill: "#656d76"))
            out.append(Self.text(x(0), Self.height - Self.bottom + 20, labels.baseline, anchor: "middle", fill: "#656d76"))
            column = 1
        }
        for (point, value) in points {
            let px = x(column)
            if let interval = point.interval {
                let (upper, lower) = (y(interval.upper), y(interval.lower))
                out.append(##"<line x1="\##(px)" y1="\##(upper)" x2="\##(px)" y2="\##(lower)" stroke="#0969da" stroke-width="1.5"/>"##)
                out.append(##"<line x1="\##(px - 6)" y1="\##(upper)" x2="\##(px + 6)" y2="\##(upper)" stroke="#0969da" stroke-width="1.5"/>"##)
                out.append(##"<line x1="\##(px - 6)" y1="\##(lower)" x2="\##(px + 6)" y2="\##(lower)" stroke="#0969da" stroke-width="1.5"/>"##)
            }
            path.append((px, y(value)))
            let range = point.interval.map { " (\(Self.number($0.lower))–\(Self.number($0.upper)))" } ?? ""
            out.append(
                ##"<circle cx="\##(px)" cy="\##(y(value))" r="5" fill="#0969da"><title>\##(SVGText.escape("\(labels.round) \(point.round): \(Self.number(value))\(range), n = \(point.n)"))</title></circle>"##)
            out.append(Self.text(px + 9, y(value) - 6, Self.number(value), fill: "#0969da", weight: "bold"))
            out.append(Self.text(px, Self.height - Self.bottom + 20, "\(labels.round) \(point.round)", anchor: "middle", fill: "#656d76"))
            out.append(Self.text(px, Self.height - Self.bottom + 34, "n = \(point.n)", anchor: "middle", fill: "#8c959f", size: 10))
            column += 1
        }
        if path.count > 1 {
            let line = path.map { "\($0.0),\($0.1)" }.joined(separator: " ")
            out.insert(##"<polyline points="\##(line)" fill="none" stroke="#0969da" stroke-width="2" stroke-opacity="0.5"/>"##, at: 2)
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    /// A round axis from `low` to `high`: bounds on multiples of a 1-2-5 step, about five ticks.
    static func axis(_ low: Double, _ high: Double) -> (Double, Double, Double) {
        let span = max(high - low, max(abs(high), 1) * 0.1)
        let raw = span / 4
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var bottom = floor(low / step) * step
        var top = ceil(high / step) * step
        if top - bottom < step * 2 {
            bottom -= step
            top += step
        }
        return (bottom, top, step)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func text(
        _ x: Double, _ y: Double, _ content: String, anchor: String = "start", fill: String = "#1f2328", weight: String = "normal",
        size: Int = 12
    ) -> String {
        ##"<text x="\##(x)" y="\##(y)" text-anchor="\##(anchor)" fill="\##(fill)" font-weight="\##(weight)" font-size="\##(size)">\##(SVGText.escape(content))</text>"##
    }
}
