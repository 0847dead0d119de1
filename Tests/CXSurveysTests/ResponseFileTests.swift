import CXCore
import CXSurveys
import CXTestSupport
import Foundation
import Testing

@Suite("Survey response files")
struct ResponseFileTests {
    let nps: (Int) -> String? = { (0...10).contains($0) ? nil : "score \($0) is outside the NPS scale 0–10" }
    let touchpoints: Set<String> = ["checkout", "salon-reception"]
    let hanoi = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    @Test func csvRowsWithQuotesVietnameseAndAnyColumnOrder() {
        let text = "\u{FEFF}score,respondent,timestamp,touchpoint,comment,emotion\r\n"
            + "9,c-001,2026-12-02T09:30:00+07:00,checkout,\"Nhanh, thân thiện\",positive\r\n"
            + "3,c-002,2026-12-02,salon-reception,\"Chờ \"\"quá\"\" lâu\nở quầy\",negative\r\n"
            + "\n"
            + "7,c-003,2026-12-03T01:00:00Z,,,\r\n"
        let result = ResponseFile.parse(text, format: .csv, validateScore: nps, touchpoints: touchpoints, zone: hanoi)
        #expect(result.errors.isEmpty)
        #expect(result.rows.map(\.respondent) == ["c-001", "c-002", "c-003"])
        #expect(result.rows.map(\.line) == [2, 3, 6])
        #expect(result.rows[0].comment == "Nhanh, thân thiện")
        #expect(result.rows[0].answeredAt == instant("2026-12-02T02:30:00Z"))
        #expect(result.rows[1].comment == "Chờ \"quá\" lâu\nở quầy")
        // A date without a time is midnight in the initiative's zone.
        #expect(result.rows[1].answeredAt == instant("2026-12-01T17:00:00Z"))
        #expect(result.rows[2].touchpoint == nil)
        #expect(result.rows[2].emotion == nil)
    }

    @Test func everyBadRowIsReportedWithItsLineAndReason() {
        let text = """
            respondent,timestamp,score,touchpoint,emotion
            c-1,2026-12-02T09:30:00Z,11,checkout,positive
            ,yesterday,x,lobby,angry
            c-3,2026-12-02T09:30:00Z,8
            c-4,2026-12-02T09:30:00Z,8,checkout,neutral
            c-4,2026-12-03T09:30:00Z,2,checkout,negative
            """
        let result = ResponseFile.parse(text, format: .csv, validateScore: nps, touchpoints: touchpoints, zone: hanoi)
        #expect(result.errors.map(\.description) == [
            "line 2: score 11 is outside the NPS scale 0–10",
            "line 3: respondent is empty; timestamp 'yesterday' is not an ISO 8601 instant (2026-12-01T09:30:00+07:00) or a date (2026-12-01); score 'x' is not a whole number; unknown touchpoint 'lobby' (known: checkout, salon-reception); emotion 'angry' is not one of positive, neutral, negative",
            "line 4: expected 5 fields, found 3",
        ])
        #expect(result.rows.map(\.respondent) == ["c-4"])
        #expect(result.duplicates == 1)
    }

    @Test func aBadHeaderIsOneClearError() {
        let result = ResponseFile.parse("respondant,time,score\n1,2,3\n", format: .csv, validateScore: nps, touchpoints: [], zone: hanoi)
        #expect(result.errors.map(\.description) == [
            "line 1: missing column 'respondent'; missing column 'timestamp'; unknown column 'respondant' (known: respondent, timestamp, score, touchpoint, comment, emotion); unknown column 'time' (known: respondent, timestamp, score, touchpoint, comment, emotion)",
        ])
        #expect(ResponseFile.parse("", format: .csv, validateScore: nps, touchpoints: [], zone: hanoi).errors.first?.line == 1)
        #expect(ResponseFile.parse("a,b\n\"open", format: .csv, validateScore: nps, touchpoints: [], zone: hanoi).errors.map(\.description)
            == ["line 2: a quoted field is not closed"])
    }

    @Test func jsonLines() {
        let text = """
            {"respondent": "c-1", "timestamp": "2026-12-02T09:30:00Z", "score": 10, "comment": "Rất tốt"}

            {"respondent": "c-2", "timestamp": "2026-12-02T09:30:00Z"}
            not json
            {"respondent": "c-3", "timestamp": "2026-12-02T09:30:00Z", "score": 4, "mood": "ok"}
            """
        let result = ResponseFile.parse(text, format: .jsonLines, validateScore: nps, touchpoints: [], zone: hanoi)
        #expect(result.rows.map(\.comment) == ["Rất tốt"])
        #expect(result.errors.map(\.description) == [
            "line 3: missing 'score'", "line 4: not a JSON object",
            "line 5: unknown key 'mood' (known: respondent, timestamp, score, touchpoint, comment, emotion)",
        ])
        #expect(ResponseFile.Format(path: "r.ndjson") == .jsonLines)
        #expect(ResponseFile.Format(path: "r.CSV") == .csv)
    }
}
