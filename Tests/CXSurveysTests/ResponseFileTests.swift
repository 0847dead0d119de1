import CXCore
import CXSurveys
import CXTestSupport
import Foundation
import Testing

@Suite("Survey response files")
struct ResponseFileTests {
    let touchpoints: Set<String> = ["checkout", "salon-reception"]
    let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    func parse(_ text: String, _ format: ResponseFile.Format = .csv, scale: SurveyScale = .nps) -> (rows: [ResponseRow], errors: [String]) {
        let result = ResponseFile.parse(text, format: format, scale: scale, touchpoints: touchpoints, zone: hanoi)
        return (result.rows, result.errors.map(\.description))
    }

    @Test func csvRowsWithQuotesVietnameseAndAnyColumnOrder() {
        let text = "\u{FEFF}score,respondent,timestamp,touchpoint,comment,emotion\r\n"
            + "9,c-001,2026-12-02T09:30:00+07:00,checkout,\"Nhanh, thân thiện\",positive\r\n"
            + "3,c-002,2026-12-02,salon-reception,\"Chờ \"\"quá\"\" lâu\nở quầy\",negative\r\n"
            + "\n"
            + "7,c-003,2026-12-03T01:00:00Z,,,\r\n"
        let (rows, errors) = parse(text)
        #expect(errors.isEmpty)
        #expect(rows.map(\.respondent) == ["c-001", "c-002", "c-003"])
        #expect(rows.map(\.line) == [2, 3, 6])
        #expect(rows[0].comment == "Nhanh, thân thiện")
        #expect(rows[0].answeredAt == instant("2026-12-02T02:30:00Z"))
        #expect(rows[1].comment == "Chờ \"quá\" lâu\nở quầy")
        // A date without a time is midnight in the initiative's zone.
        #expect(rows[1].answeredAt == instant("2026-12-01T17:00:00Z"))
        #expect(rows[2].touchpoint == nil)
        #expect(rows[2].emotion == nil)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64])
    func chunksMayEndAnywhere(chunk: Int) throws {
        // A record, a quote pair, a CRLF or a UTF-8 sequence cut between two reads reads the same.
        let text = "respondent,timestamp,score,comment\r\nc-1,2026-12-02,9,\"a \"\"b\"\",\r\nc\"\r\nc-2,2026-12-02T09:30:00Z,4,Ý kiến\r\n"
        let whole = parse(text)
        var rows: [ResponseRow] = []
        var errors: [RowError] = []
        let directory = TemporaryDirectory()
        try directory.write("answers.csv", text)
        _ = try ResponseFile.read(
            .file(path: directory.file("answers.csv")), format: .csv, scale: .nps, touchpoints: [], zone: hanoi, chunkSize: chunk,
            row: { rows.append($0) }, problem: { errors.append($0) })
        #expect(errors.isEmpty)
        #expect(rows == whole.rows)
        #expect(rows.map(\.comment) == ["a \"b\",\r\nc", "Ý kiến"])
        #expect(rows.map(\.line) == [2, 4])
    }

    @Test func everyBadRowIsReportedWithItsLineAndWhatWasExpected() {
        let text = """
            respondent,timestamp,score,touchpoint,emotion
            c-1,2026-12-02T09:30:00Z,11,checkout,positive
            ,yesterday,x,lobby,angry
            c-3,2026-12-02T09:30:00Z,8
            c-4,2026-12-02T09:30:00Z,4.5,checkout,neutral
            c-5,2026-12-02T09:30:00Z,4.0,checkout,neutral
            c-6,2026-12-02T09:30:00,4,checkout,neutral
            """
        let (rows, errors) = parse(text)
        #expect(errors == [
            "line 2: score 11 is outside the NPS scale (allowed 0–10)",
            "line 3: respondent is empty (expected the respondent's id); timestamp 'yesterday' is not an ISO 8601 instant (2026-12-01T09:30:00+07:00) or a date (2026-12-01); score \"x\" is not a number; unknown touchpoint 'lobby' (known: checkout, salon-reception); emotion 'angry' is not one of positive, neutral, negative",
            "line 4: expected 5 fields, found 3",
            "line 5: score 4.5 is not a whole number",
            "line 7: timestamp '2026-12-02T09:30:00' is not an ISO 8601 instant (2026-12-01T09:30:00+07:00) or a date (2026-12-01)",
        ])
        // `4.0` is 4, as the scale's validator says.
        #expect(rows.map(\.respondent) == ["c-5"])
        #expect(rows.map(\.score) == [4])
    }

    @Test func aBlankScoreIsSeenNotAnswered() {
        let (rows, errors) = parse("respondent,timestamp,score,emotion\nc-1,2026-12-02,,negative\nc-2,2026-12-02, ,\n")
        #expect(errors.isEmpty)
        #expect(rows.map(\.score) == [nil, nil])
        #expect(rows.map(\.emotion) == [.negative, nil])
        let json = parse(#"{"respondent": "c-1", "timestamp": "2026-12-02", "score": null}"#, .jsonLines)
        #expect(json.errors.isEmpty)
        #expect(json.rows.map(\.score) == [nil])
    }

    @Test func aNulByteIsRefusedNotCutShort() {
        let csv = parse("respondent,timestamp,score,comment\nc-1,2026-12-02,9,\"slow\u{0}checkout\"\n")
        #expect(csv.rows.isEmpty)
        #expect(csv.errors == [
            "line 2: comment contains a NUL byte (U+0000), which cxd refuses rather than cut the text short (is the file UTF-16? save it as UTF-8)",
        ])
        let json = parse(#"{"respondent": "c-1", "timestamp": "2026-12-02", "score": 9, "comment": "slow\u0000checkout"}"#, .jsonLines)
        #expect(json.rows.isEmpty)
        #expect(json.errors.first?.hasPrefix("line 1: comment contains a NUL byte") == true)
    }

    @Test func timestampsAreParsedByHand() {
        let text = """
            respondent,timestamp,score
            a,2026-12-02T09:30:00+07:00,1
            b,2026-12-02T09:30:00.250Z,1
            c,2026-12-02T09:30:00-0500,1
            d,2026-12-02T09:30+07,1
            e,2024-02-29,1
            f,2026-02-29,1
            g,2026-12-02T24:00:00Z,1
            h,2026-12-02T09:30:00+07:00x,1
            """
        let (rows, errors) = parse(text)
        #expect(rows.map(\.answeredAt) == [
            instant("2026-12-02T02:30:00Z"), Date(timeIntervalSince1970: instant("2026-12-02T09:30:00Z").timeIntervalSince1970 + 0.25),
            instant("2026-12-02T14:30:00Z"), instant("2026-12-02T02:30:00Z"), instant("2024-02-28T17:00:00Z"),
        ])
        #expect(errors.map { $0.prefix(7) } == ["line 7:", "line 8:", "line 9:"])
    }

    @Test func aBadHeaderIsOneClearError() {
        #expect(parse("respondant,time,score\n1,2,3\n").errors == [
            "line 1: missing column 'respondent'; missing column 'timestamp'; unknown column 'respondant' (known: respondent, timestamp, score, touchpoint, comment, emotion); unknown column 'time' (known: respondent, timestamp, score, touchpoint, comment, emotion)",
        ])
        #expect(parse("").errors == ["line 1: the file is empty; expected a header row: respondent,timestamp,score"])
        #expect(parse("respondent,timestamp,score\n\"open").errors == ["line 2: a quoted field is not closed (expected a closing \")"])
        #expect(parse("respondent,timestamp,score\n\"a\"b,2026-12-02,1\nc,2026-12-02,1\n").errors
            == ["line 2: unexpected text after a closing quote (expected a comma or the end of the line)"])
        // A header alone is no error here (the import refuses it: there is nothing to import).
        let headerOnly = parse("respondent,timestamp,score\n")
        #expect(headerOnly.rows.isEmpty && headerOnly.errors.isEmpty)
    }

    @Test func jsonLines() {
        let text = """
            {"respondent": "c-1", "timestamp": "2026-12-02T09:30:00Z", "score": 10, "comment": "R\\u1ea5t t\\u1ed1t \\ud83d\\ude00"}

            {"respondent": "c-2", "timestamp": "2026-12-02T09:30:00Z"}
            not json
            {"respondent": "c-3", "timestamp": "2026-12-02T09:30:00Z", "score": 4, "mood": "ok"}
            {"respondent": 5, "timestamp": "2026-12-02T09:30:00Z", "score": 4.0, "touchpoint": ["checkout"]}
            {"respondent": "c-6", "timestamp": "2026-12-02T09:30:00Z", "score": 4, "score": 5}
            """
        let (rows, errors) = parse(text, .jsonLines)
        #expect(rows.map(\.comment) == ["Rất tốt 😀"])
        #expect(errors == [
            "line 3: missing 'score'",
            "line 4: not a JSON object (expected '{' at column 1); expected {\"respondent\": …, \"timestamp\": …, \"score\": …}",
            "line 5: unknown key 'mood' (known: respondent, timestamp, score, touchpoint, comment, emotion)",
            "line 6: 'touchpoint' must be a string, not an array or object",
            "line 7: key 'score' appears twice",
        ])
        #expect(ResponseFile.Format(path: "r.ndjson") == .jsonLines)
        #expect(ResponseFile.Format(path: "r.CSV") == .csv)
    }

    @Test func jsonLinesWithCRLFAreReadLikeCSV() {
        let text = "{\"respondent\": \"c-1\", \"timestamp\": \"2026-12-02\", \"score\": 9}\r\n\r\n"
            + "{\"respondent\": \"c-2\", \"timestamp\": \"2026-12-02\", \"score\": 3}\r\n"
        let (rows, errors) = parse(text, .jsonLines)
        #expect(errors.isEmpty)
        #expect(rows.map(\.respondent) == ["c-1", "c-2"])
        #expect(rows.map(\.line) == [1, 3])
    }

    @Test(arguments: ["true", "false"])
    func jsonBooleansAreNoScores(value: String) {
        let (rows, errors) = parse(#"{"respondent": "c-1", "timestamp": "2026-12-02", "score": \#(value)}"#, .jsonLines)
        #expect(rows.isEmpty)
        #expect(errors == ["line 1: 'score' must be a number, not \(value)"])
    }
}
