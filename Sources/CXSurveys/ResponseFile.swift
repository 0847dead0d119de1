import CXCore
import Foundation

/// One survey answer as read from an import file.
public struct ResponseRow: Sendable, Equatable {
    /// Line of the file the row starts on.
    public var line: Int
    public var respondent: String
    public var answeredAt: Date
    /// nil: the respondent saw the question and left it blank ("seen, not answered").
    public var score: Int?
    public var touchpoint: String?
    public var comment: String?
    public var emotion: Emotion?
}

/// Why a row was refused, with its line.
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// Survey response files: CSV with a header row (`respondent`, `timestamp`, `score`, and
/// optionally `touchpoint`, `comment`, `emotion`, in any order), or JSON lines with the same
/// keys. Read as a stream of bytes: memory stays the same whatever the file's size. Every bad
/// row is reported with its line and what was expected; nothing here writes anything.
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

    /// The columns (CSV) or keys (JSON lines) of a file.
    public enum Column: String, CaseIterable, Sendable {
        case respondent, timestamp, score, touchpoint, comment, emotion
    }

    public static let columns = Column.allCases.map(\.rawValue)
    public static let required: [Column] = [.respondent, .timestamp, .score]

    /// What a read found, besides the rows it handed over.
    public struct Summary: Sendable, Equatable {
        /// Good rows.
        public var rows = 0
        /// Bad rows (and header problems).
        public var errors = 0
        /// The earliest and the latest answer among the good rows.
        public var firstAnswer: Date?
        public var lastAnswer: Date?

        /// From the earliest to the latest answer; nil without good rows.
        public var answered: ClosedRange<Date>? {
            guard let firstAnswer, let lastAnswer else { return nil }
            return firstAnswer...lastAnswer
        }
    }

    /// Reads `source`, calling `row` for every good row and `problem` for every bad one, in
    /// file order. `progress` gets the bytes read so far after each chunk.
    /// - Parameters:
    ///   - scale: the survey's scale; a score must be a whole number on it (`4.0` is 4), or
    ///     blank/`null` for "seen, not answered".
    ///   - touchpoints: the initiative's touchpoint ids; a row naming another is refused.
    ///   - zone: dates without a time (`2026-12-01`) are midnight there (the initiative's zone).
    public static func read(
        _ source: ResponseSource, format: Format, scale: SurveyScale, touchpoints: Set<String>, zone: TimeZone,
        chunkSize: Int = ResponseSource.chunkSize, progress: (Int) -> Void = { _ in }, row: (ResponseRow) throws -> Void, problem: (RowError) throws -> Void
    ) throws -> Summary {
        var validator = RowValidator(scale: scale, touchpoints: touchpoints, zone: zone)
        var summary = Summary()
        var done = 0
        func deliver(_ result: Result<ResponseRow, RowError>) throws {
            switch result {
            case .success(let good):
                summary.rows += 1
                if summary.firstAnswer.map({ good.answeredAt < $0 }) ?? true { summary.firstAnswer = good.answeredAt }
                if summary.lastAnswer.map({ good.answeredAt > $0 }) ?? true { summary.lastAnswer = good.answeredAt }
                try row(good)
            case .failure(let bad):
                summary.errors += 1
                try problem(bad)
            }
        }
        switch format {
        case .csv:
            var reader = CSVReader()
            var header: [Column?]?
            var headerFailed = false
            func emit(_ record: CSVReader.Record) throws {
                guard !headerFailed else { return }
                guard let columns = header else {
                    switch Self.header(record) {
                    case .success(let columns): header = columns
                    case .failure(let error):
                        headerFailed = true
                        try deliver(.failure(error))
                    }
                    return
                }
                try deliver(validator.validate(record, columns: columns))
            }
            try source.forEachChunk(size: chunkSize) { chunk in
                try reader.feed(chunk, emit: emit)
                done += chunk.count
                progress(done)
            }
            try reader.finish(emit: emit)
            if header == nil && !headerFailed {
                try deliver(.failure(RowError(line: 1, message: "the file is empty; expected a header row: respondent,timestamp,score")))
            }
        case .jsonLines:
            var reader = JSONLineReader()
            func emit(_ record: JSONLineReader.Record) throws { try deliver(validator.validate(record)) }
            try source.forEachChunk(size: chunkSize) { chunk in
                try reader.feed(chunk, emit: emit)
                done += chunk.count
                progress(done)
            }
            try reader.finish(emit: emit)
        }
        return summary
    }

    /// Every good row and every error of a small input, for tests and previews.
    public static func parse(
        _ text: String, format: Format, scale: SurveyScale, touchpoints: Set<String>, zone: TimeZone
    ) -> (rows: [ResponseRow], errors: [RowError]) {
        var rows: [ResponseRow] = []
        var errors: [RowError] = []
        _ = try? read(
            .text(text), format: format, scale: scale, touchpoints: touchpoints, zone: zone,
            row: { rows.append($0) }, problem: { errors.append($0) })
        return (rows, errors)
    }

    private static func header(_ record: CSVReader.Record) -> Result<[Column?], RowError> {
        if let problem = record.problem { return .failure(RowError(line: record.line, message: problem)) }
        let names = (0..<record.fieldCount).map { index in
            String(decoding: record.bytes[record.field(index)], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
        }
        var problems: [String] = []
        for name in names where Column(rawValue: name) == nil {
            problems.append("unknown column '\(name)' (known: \(columns.joined(separator: ", ")))")
        }
        for column in required where !names.contains(column.rawValue) {
            problems.append("missing column '\(column.rawValue)'")
        }
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            problems.append("column '\(name)' appears twice")
        }
        guard problems.isEmpty else {
            return .failure(RowError(line: record.line, message: problems.sorted().joined(separator: "; ")))
        }
        return .success(names.map(Column.init(rawValue:)))
    }
}
