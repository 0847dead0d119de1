import CXCore
import Foundation

extension JourneyMap {
    /// A swim-lane picture for a slide: stages as columns, lanes as rows, the emotion lane as a
    /// curve, selected touchpoints highlighted. Plain SVG 1.1, UTF-8, no external resources;
    /// well-formed XML whatever the names hold (`SVGText.escape`). Text is wrapped or shortened
    /// to its box; a shortened name keeps its full text in a `<title>` tooltip.
    public func svg() -> String {
        let laneLabelWidth = 150.0
        let column = 210.0
        let margin = 20.0
        let headerTop = personas.isEmpty ? 60.0 : 60.0 + Double(personas.count) * 18
        let width = margin * 2 + laneLabelWidth + column * Double(max(stages.count, 1))
        let wrap = 27
        // Touchpoint boxes hold three lines (bold for selected ones, hence the narrower line).
        let boxLines = 3

        let actionLines = stages.map { SVGText.wrap($0.action ?? "", width: wrap) }
        let touchLines = stages.map { stage in
            stage.touchpoints.map { cell in
                let name = (cell.selected ? "★ " : "") + cell.name
                return (SVGText.wrap(name, width: cell.selected ? wrap - 4 : wrap - 2, maxLines: boxLines), cell)
            }
        }
        let painLines = stages.map { $0.painPoints.flatMap { SVGText.wrap("• " + $0, width: wrap) } }
        let solutionLines = stages.map { $0.solutions.flatMap { SVGText.wrap("• " + $0, width: wrap) } }
        let lineHeight = 16.0
        func laneHeight(_ counts: [Int], minimum: Double = 50) -> Double {
            max(minimum, Double(counts.max() ?? 0) * lineHeight + 24)
        }
        let touchHeights = touchLines.map { cells in cells.reduce(0.0) { $0 + Double($1.0.count) * lineHeight + 14 } }
        let lanes: [(String, Double)] = [
            ("Customer actions", laneHeight(actionLines.map(\.count))),
            ("Touchpoints", max(60, (touchHeights.max() ?? 0) + 16)),
            ("Emotions", 110),
            ("Pain points", laneHeight(painLines.map(\.count))),
            ("Solutions", laneHeight(solutionLines.map(\.count))),
        ]
        let stageHeader = 40.0
        let height = headerTop + stageHeader + lanes.reduce(0) { $0 + $1.1 } + margin + 46

        var out: [String] = []
        out.append(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        out.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">"##)
        out.append(##"<rect width="100%" height="100%" fill="#ffffff"/>"##)
        // About 12 px per unit at 20 px bold, 7.5 at 12 px.
        out.append(fitted(margin, 34, title, width: Int((width - 2 * margin) / 12), size: 20, weight: "bold"))
        for (index, persona) in personas.enumerated() {
            out.append(fitted(margin, 56 + Double(index) * 18, "👤 \(persona.name) — \(persona.description)",
                              width: Int((width - 2 * margin) / 7.5), size: 12, fill: "#444"))
        }
        let left = margin + laneLabelWidth
        // Stage header.
        for (index, stage) in stages.enumerated() {
            let x = left + Double(index) * column
            out.append(##"<rect x="\##(x + 2)" y="\##(headerTop)" width="\##(column - 4)" height="\##(stageHeader - 6)" rx="6" fill="#1f4e79"/>"##)
            out.append(fitted(x + column / 2, headerTop + 22, stage.name, width: wrap - 4, size: 13, weight: "bold",
                              fill: "#ffffff", anchor: "middle"))
        }
        var y = headerTop + stageHeader
        for (laneIndex, lane) in lanes.enumerated() {
            let (name, laneHeightValue) = lane
            out.append(##"<rect x="\##(margin)" y="\##(y)" width="\##(width - 2 * margin)" height="\##(laneHeightValue)" fill="\##(laneIndex % 2 == 0 ? "#f4f7fb" : "#ffffff")" stroke="#d0d7e2"/>"##)
            out.append(text(margin + 10, y + 22, name, size: 13, weight: "bold", fill: "#1f4e79"))
            for index in stages.indices {
                let x = left + Double(index) * column
                out.append(##"<line x1="\##(x)" y1="\##(y)" x2="\##(x)" y2="\##(y + laneHeightValue)" stroke="#d0d7e2"/>"##)
                switch laneIndex {
                case 0: out += lines(actionLines[index], x: x + 10, y: y + 22)
                case 1:
                    var cellY = y + 10
                    for (wrapped, cell) in touchLines[index] {
                        let boxHeight = Double(wrapped.count) * lineHeight + 8
                        let stroke = cell.selected ? "#d4a017" : "#7a8ca3"
                        let fill = cell.controlled == false ? "#f2f2f2" : "#ffffff"
                        let dash = cell.controlled == false ? " stroke-dasharray=\"4 3\"" : ""
                        out.append(##"<rect x="\##(x + 8)" y="\##(cellY)" width="\##(column - 16)" height="\##(boxHeight)" rx="5" fill="\##(fill)" stroke="\##(stroke)" stroke-width="\##(cell.selected ? 3 : 1)"\##(dash)/>"##)
                        let shortened = wrapped.last?.hasSuffix("…") == true
                        out += lines(wrapped, x: x + 14, y: cellY + 15, weight: cell.selected ? "bold" : "normal",
                                     tooltip: shortened ? cell.name : nil)
                        cellY += boxHeight + 6
                    }
                case 2: break
                case 3: out += lines(painLines[index], x: x + 10, y: y + 22, fill: "#a61b1b")
                default: out += lines(solutionLines[index], x: x + 10, y: y + 22, fill: "#1b6e3a")
                }
            }
            if laneIndex == 2 {
                // The emotion curve: positive at the top, negative at the bottom.
                var points: [(Double, Double, Emotion)] = []
                for (index, stage) in stages.enumerated() {
                    guard let emotion = stage.emotion else { continue }
                    let level: Double = switch emotion {
                    case .positive: 0.2
                    case .neutral: 0.5
                    case .negative: 0.8
                    }
                    points.append((left + Double(index) * column + column / 2, y + laneHeightValue * level, emotion))
                }
                out.append(##"<line x1="\##(left)" y1="\##(y + laneHeightValue * 0.5)" x2="\##(width - margin)" y2="\##(y + laneHeightValue * 0.5)" stroke="#c8c8c8" stroke-dasharray="3 3"/>"##)
                if points.count > 1 {
                    let path = points.map { "\($0.0),\($0.1)" }.joined(separator: " ")
                    out.append(##"<polyline points="\##(path)" fill="none" stroke="#555" stroke-width="2"/>"##)
                }
                for (x, py, emotion) in points {
                    let color = switch emotion {
                    case .positive: "#2e8b57"
                    case .neutral: "#e0a100"
                    case .negative: "#c0392b"
                    }
                    out.append(##"<circle cx="\##(x)" cy="\##(py)" r="9" fill="\##(color)"/>"##)
                    let face = switch emotion {
                    case .positive: "☺"
                    case .neutral: "–"
                    case .negative: "☹"
                    }
                    out.append(text(x, py + 4, face, size: 12, weight: "bold", fill: "#ffffff", anchor: "middle"))
                }
                for (index, stage) in stages.enumerated() where stage.emotionSource == "survey" {
                    out.append(text(left + Double(index) * column + column / 2, y + laneHeightValue - 8, "from survey answers",
                                    size: 10, fill: "#666", anchor: "middle"))
                }
            }
            y += laneHeightValue
        }
        // The legend on two lines, so that it fits a map of one stage.
        out.append(text(margin, y + 22, "★ selected for improvement (step 5)", size: 11, fill: "#555"))
        out.append(text(margin, y + 38, "dashed box: touchpoint not controlled by the business", size: 11, fill: "#555"))
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// One `<text>` per line; `tooltip` (the full text of shortened lines) goes on each of them.
    private func lines(
        _ lines: [String], x: Double, y: Double, weight: String = "normal", fill: String = "#222", tooltip: String? = nil
    ) -> [String] {
        lines.enumerated().map { index, line in
            text(x, y + Double(index) * 16, line, size: 12, weight: weight, fill: fill, tooltip: tooltip)
        }
    }

    /// `content` on one line of at most `width` units, shortened with "…" and a tooltip when longer.
    private func fitted(
        _ x: Double, _ y: Double, _ content: String, width: Int, size: Int, weight: String = "normal",
        fill: String = "#222", anchor: String = "start"
    ) -> String {
        let shown = SVGText.shorten(content, width: width)
        return text(x, y, shown, size: size, weight: weight, fill: fill, anchor: anchor,
                    tooltip: shown.hasSuffix("…") && shown != content ? content : nil)
    }

    private func text(
        _ x: Double, _ y: Double, _ content: String, size: Int, weight: String = "normal", fill: String = "#222",
        anchor: String = "start", tooltip: String? = nil
    ) -> String {
        let title = tooltip.map { "<title>\(SVGText.escape($0))</title>" } ?? ""
        return ##"<text x="\##(x)" y="\##(y)" font-size="\##(size)" font-weight="\##(weight)" fill="\##(fill)" text-anchor="\##(anchor)">\##(title)\##(SVGText.escape(content))</text>"##
    }
}
