import CXCore
import Foundation

/// Turns a record's raw values into a `ResponseRow`, or says everything wrong with it and what
/// was expected. Shared by CSV and JSON lines, so both formats accept the same answers.
struct RowValidator {
    typealias Value = JSONLineReader.Value
    typealias Column = ResponseFile.Column

    let scale: SurveyScale
    let touchpoints: Set<String>
    private var time: AnswerTime
    /// The current record's values by column (reused from row to row).
    private var slots: [Value?] = Array(repeating: nil, count: Column.allCases.count)

    init(scale: SurveyScale, touchpoints: Set<String>, zone: TimeZone) {
        self.scale = scale
        self.touchpoints = touchpoints
        self.time = AnswerTime(zone: zone)
    }

    mutating func validate(_ record: CSVReader.Record, columns: [Column?]) -> Result<ResponseRow, RowError> {
        if let problem = record.problem { return .failure(RowError(line: record.line, message: problem)) }
        guard record.fieldCount == columns.count else {
            return .failure(RowError(
                line: record.line, message: "expected \(columns.count) fields, found \(record.fieldCount)"))
        }
        for index in slots.indices { slots[index] = nil }
        for (index, column) in columns.enumerated() {
            if let column { slots[column.slot] = Value(kind: .string, range: record.field(index)) }
        }
        return check(line: record.line, bytes: record.bytes, problems: [])
    }

    mutating func validate(_ record: JSONLineReader.Record) -> Result<ResponseRow, RowError> {
        var problems = record.problems
        if problems.first?.hasPrefix("not a JSON object") == true || problems.first?.hasPrefix("the line is") == true {
            return .failure(RowError(line: record.line, message: problems.joined(separator: "; ")))
        }
        for column in Column.allCases { slots[column.slot] = record.values[column] }
        for column in ResponseFile.required where record.values[column] == nil {
            problems.append("missing '\(column.rawValue)'")
        }
        return check(line: record.line, bytes: record.bytes, problems: problems)
    }

    private mutating func check(line: Int, bytes: [UInt8], problems: [String]) -> Result<ResponseRow, RowError> {
        var problems = problems
        let slots = slots
        let row: ResponseRow? = bytes.withUnsafeBufferPointer { buffer -> ResponseRow? in
            /// The value's bytes without surrounding blanks; nil when absent or null.
            func trimmed(_ column: Column) -> Range<Int>? {
                guard let value = slots[column.slot] else { return nil }
                switch value.kind {
                case .string, .number:
                    var range = value.range
                    while let first = range.first, buffer[first] == 0x20 || buffer[first] == 0x09 { range = range.dropFirst() }
                    while let last = range.last, buffer[last] == 0x20 || buffer[last] == 0x09 { range = range.dropLast() }
                    return range
                case .null:
                    return nil
                case .boolean(let flag):
                    problems.append("'\(column.rawValue)' must be \(column == .score ? "a number" : "a string"), not \(flag)")
                    return nil
                case .nested:
                    problems.append("'\(column.rawValue)' must be \(column == .score ? "a number" : "a string"), not an array or object")
                    return nil
                }
            }
            /// The value as text; nil when absent, null or blank.
            func text(_ column: Column) -> String? {
                guard let range = trimmed(column), !range.isEmpty else { return nil }
                let bytes = UnsafeBufferPointer(rebasing: buffer[range])
                if bytes.contains(0) {
                    problems.append("\(column.rawValue) contains a NUL byte (U+0000), which cxd refuses rather than cut "
                        + "the text short (is the file UTF-16? save it as UTF-8)")
                    return nil
                }
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    problems.append("\(column.rawValue) is not valid UTF-8 (save the file as UTF-8)")
                    return nil
                }
                return string
            }

            let known = problems.count
            let respondent = text(.respondent)
            if respondent == nil, slots[Column.respondent.slot] != nil, problems.count == known {
                problems.append("respondent is empty (expected the respondent's id)")
            }
            var answeredAt: Date?
            if let range = trimmed(.timestamp) {
                answeredAt = time.parse(UnsafeBufferPointer(rebasing: buffer[range]))
                if answeredAt == nil {
                    let shown = String(decoding: buffer[range].prefix(60), as: UTF8.self)
                    problems.append("timestamp '\(shown)' is not an ISO 8601 instant (2026-12-01T09:30:00+07:00) or a date (2026-12-01)")
                }
            }
            var score: Int?
            if let range = trimmed(.score), !range.isEmpty {
                switch Self.score(UnsafeBufferPointer(rebasing: buffer[range]), on: scale) {
                case .valid(let value): score = value
                case .invalid(let reason): problems.append(reason)
                }
            }
            let touchpoint = text(.touchpoint)
            if let touchpoint, !touchpoints.contains(touchpoint) {
                let known = touchpoints.isEmpty ? "the initiative declares none" : "known: " + touchpoints.sorted().joined(separator: ", ")
                problems.append("unknown touchpoint '\(touchpoint)' (\(known))")
            }
            let comment = text(.comment)
            var emotion: Emotion?
            if let name = text(.emotion) {
                emotion = Emotion(rawValue: name.lowercased())
                if emotion == nil { problems.append("emotion '\(name)' is not one of positive, neutral, negative") }
            }
            guard problems.isEmpty, let respondent, let answeredAt else { return nil }
            return ResponseRow(
                line: line, respondent: respondent, answeredAt: answeredAt, score: score, touchpoint: touchpoint,
                comment: comment, emotion: emotion)
        }
        if let row { return .success(row) }
        return .failure(RowError(line: line, message: problems.joined(separator: "; ")))
    }

    /// A score as written: one or two digits are read directly (nearly every row); anything
    /// else goes through the scale's own validator, so that import and validator agree
    /// (`4.0` is 4, `4.5` is refused).
    static func score(_ bytes: UnsafeBufferPointer<UInt8>, on scale: SurveyScale) -> ScoreValidation {
        if bytes.count <= 2, bytes.allSatisfy({ (0x30...0x39).contains($0) }) {
            return scale.validate(bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) })
        }
        guard bytes.count <= 40, let text = String(validating: bytes, as: UTF8.self) else {
            return .invalid(reason: "score '\(String(decoding: bytes.prefix(40), as: UTF8.self))…' is not a number")
        }
        return scale.validate(text: text)
    }
}

extension ResponseFile.Column {
    /// Position in `allCases`.
    var slot: Int {
        switch self {
        case .respondent: 0
        case .timestamp: 1
        case .score: 2
        case .touchpoint: 3
        case .comment: 4
        case .emotion: 5
        }
    }
}
