#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXCore
import Foundation

/// Plain-text tables for the terminal; colors only when standard output is a TTY.
struct Table {
    var headers: [String]
    var rows: [[Cell]]

    struct Cell {
        var text: String
        var color: Color?

        init(_ text: String, _ color: Color? = nil) {
            self.text = text
            self.color = color
        }
    }

    enum Color: String {
        case red = "31"
        case yellow = "33"
        case green = "32"
        case dim = "2"
    }

    static let colorsEnabled: Bool = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.text.count)
            }
        }
        func line(_ cells: [Cell]) -> String {
            cells.enumerated().map { index, cell in
                let padded = index == cells.count - 1
                    ? cell.text : cell.text + String(repeating: " ", count: widths[index] - cell.text.count)
                guard Table.colorsEnabled, let color = cell.color else { return padded }
                return "\u{1B}[\(color.rawValue)m\(padded)\u{1B}[0m"
            }.joined(separator: "  ")
        }
        return ([line(headers.map { Cell($0) })] + rows.map(line)).joined(separator: "\n")
    }
}

enum Format {
    /// `2026-12-07 17:30` in `zone` (no `DateFormatter` per call: tables print hundreds).
    static func time(_ date: Date?, in zone: TimeZone) -> String {
        guard let date else { return "-" }
        return zone.minuteText(of: date)
    }

    /// `3d 4h`, `5h 10m`, `12m`.
    static func span(seconds: Int) -> String {
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
        return "\(max(minutes, 0))m"
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
