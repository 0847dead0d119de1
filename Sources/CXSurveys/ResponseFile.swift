import CXCore
import Foundation

/// One survey answer as read from an import file.
public struct ResponseRow: Sendable, Equatable {
    /// Line of the file the row starts on.
    public var line: Int
    public var respondent: String
    public var answeredAt: Date
    public var score: Int
    public var touchpoint: String?
    public var comment: String?
    /// `positive`, `neutral` or `negative`.
    public var emotion: String?
}

/// Why a row was refused, with its line.
public struct RowError: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
}

/// Survey response files: CSV with a header row (`respondent`, `timestamp`, `score`, and
/// optionally `touchpoint`, `comment`, `emotion`, in any order), or JSON lines with the same
/// keys. Every bad row is reported with its line and reason; nothing here writes anything.
public enum ResponseFile {
    public enum Format: String, Sendable {
        case csv
        case jsonLines = "jsonl"

        /// By extension: `.jsonl`/`.ndjson` are JSON lines, anything else CSV.
        public init(path: String) {
            let lower = path.lowercased()
            self = lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") ? .jsonLines : .csv
        }
    }

    public struct Result: Sendable {
        public var rows: [ResponseRow] = []
        public var errors: [RowError] = []
        /// Rows whose respondent already answered earlier in the same file (ignored).
        public var duplicates = 0
    }

    public static let columns = ["respondent", "timestamp", "score", "touchpoint", "comment", "emotion"]
    public static let required = ["respondent", "timestamp", "score"]
    public static let emotions = ["positive", "neutral", "negative"]

    /// - Parameters:
    ///   - validateScore: nil when a score fits the survey's scale, else the reason.
    ///   - touchpoints: the initiative's touchpoint ids; a row naming another is refused.
    /// Dates without a time (`2026-12-01`) are midnight in `zone` (the initiative's).
    public static func parse(
        _ text: String, format: Format, validateScore: (Int) -> String?, touchpoints: Set<String>, zone: TimeZone
    ) -> Result {
        var result = Result()
        var records: [(line: Int, values: [String: String])] = []
        switch format {
        case .csv: records = csvRecords(text, into: &result)
        case .jsonLines: records = jsonRecords(text, into: &result)
        }
        var seen = Set<String>()
        for record in records {
            var problems: [String] = []
            let respondent = record.values["respondent"]?.trimmingCharacters(in: .whitespaces) ?? ""
            if respondent.isEmpty { problems.append("respondent is empty") }
            let timestampText = record.values["timestamp"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let answeredAt = timestamp(timestampText, zone: zone)
            if answeredAt == nil {
                problems.append("timestamp '\(timestampText)' is not an ISO 8601 instant (2026-12-01T09:30:00+07:00) or a date (2026-12-01)")
            }
            let scoreText = record.values["score"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let score = Int(scoreText)
            if let score {
                if let reason = validateScore(score) { problems.append(reason) }
            } else {
                problems.append("score '\(scoreText)' is not a whole number")
            }
            let touchpoint = nonEmpty(record.values["touchpoint"])
            if let touchpoint, !touchpoints.contains(touchpoint) {
                let known = touchpoints.isEmpty ? "the initiative declares none" : "known: " + touchpoints.sorted().joined(separator: ", ")
                problems.append("unknown touchpoint '\(touchpoint)' (\(known))")
            }
            let emotion = nonEmpty(record.values["emotion"])?.lowercased()
            if let emotion, !emotions.contains(emotion) {
                problems.append("emotion '\(emotion)' is not one of positive, neutral, negative")
            }
            guard problems.isEmpty, let answeredAt, let score else {
                result.errors.append(RowError(line: record.line, message: problems.joined(separator: "; ")))
                continue
            }
            guard seen.insert(respondent).inserted else {
                result.duplicates += 1
                continue
            }
            result.rows.append(ResponseRow(
                line: record.line, respondent: respondent, answeredAt: answeredAt, score: score, touchpoint: touchpoint,
                comment: nonEmpty(record.values["comment"]), emotion: emotion))
        }
        result.errors.sort { $0.line < $1.line }
        return result
    }

    private static func csvRecords(_ text: String, into result: inout Result) -> [(line: Int, values: [String: String])] {
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.records(text)
        } catch {
            result.errors.append(RowError(line: error.line, message: error.message))
            return []
        }
        guard let header = records.first else {
            result.errors.append(RowError(line: 1, message: "the file is empty; expected a header row: respondent,timestamp,score"))
            return []
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var headerProblems: [String] = []
        for name in names where !columns.contains(name) {
            headerProblems.append("unknown column '\(name)' (known: \(columns.joined(separator: ", ")))")
        }
        for name in required where !names.contains(name) {
            headerProblems.append("missing column '\(name)'")
        }
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            headerProblems.append("column '\(name)' appears twice")
        }
        guard headerProblems.isEmpty else {
            result.errors.append(RowError(line: header.line, message: headerProblems.sorted().joined(separator: "; ")))
            return []
        }
        var rows: [(line: Int, values: [String: String])] = []
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                result.errors.append(RowError(
                    line: record.line, message: "expected \(names.count) fields, found \(record.fields.count)"))
                continue
            }
            rows.append((record.line, Dictionary(uniqueKeysWithValues: zip(names, record.fields))))
        }
        return rows
    }

    private static func jsonRecords(_ text: String, into result: inout Result) -> [(line: Int, values: [String: String])] {
        var rows: [(line: Int, values: [String: String])] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                result.errors.append(RowError(line: offset + 1, message: "not a JSON object"))
                continue
            }
            var values: [String: String] = [:]
            var problems: [String] = []
            for (key, value) in object {
                guard columns.contains(key) else {
                    problems.append("unknown key '\(key)' (known: \(columns.joined(separator: ", ")))")
                    continue
                }
                switch value {
                case let text as String: values[key] = text
                case let number as NSNumber: values[key] = number.stringValue
                case is NSNull: continue
                default: problems.append("'\(key)' must be a string or a number")
                }
            }
            for name in required where values[name] == nil && object[name] == nil {
                problems.append("missing '\(name)'")
            }
            if problems.isEmpty {
                rows.append((offset + 1, values))
            } else {
                result.errors.append(RowError(line: offset + 1, message: problems.sorted().joined(separator: "; ")))
            }
        }
        return rows
    }

    /// ISO 8601 with a time zone, or a plain date (midnight in `zone`).
    static func timestamp(_ text: String, zone: TimeZone) -> Date? {
        if let instant = Timestamp.parse(text) { return instant }
        guard let date = LocalDate(parsing: text) else { return nil }
        return WorkCalendar().instant(on: date, at: TimeOfDay(hour: 0), in: zone)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
