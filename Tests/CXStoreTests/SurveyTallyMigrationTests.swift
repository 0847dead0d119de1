import CXCore
import CXTestSupport
import Foundation
import GRDB
import Testing

@testable import CXStore

@Suite("Survey tally migration")
struct SurveyTallyMigrationTests {
    @Test func theMigrationTalliesTheAnswersAlreadyStored() throws {
        let folder = TemporaryDirectory("cxd-tally")
        let path = folder.file("cxd.sqlite")
        // A database as the previous version left it: answers, no tally.
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v6: stored status, definition index, configuration fingerprint")
        let answers: [(round: Int, touchpoint: String?, score: Int?, emotion: String?)] = [
            (1, "checkout", 5, "positive"), (1, "checkout", 5, "positive"), (1, "checkout", nil, "negative"),
            (1, nil, 2, nil), (1, nil, 2, nil), (1, nil, nil, nil), (2, "checkout", 1, nil),
        ]
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO initiative (id, title, workflow, phase, cycle, state, createdAt, updatedAt) VALUES ('pos', 'POS', 'w', 'active', 1, '{}', '2026-12-01', '2026-12-01')")
            for number in [1, 2] {
                try db.execute(
                    sql: "INSERT INTO surveyRound (initiative, number, round, status) VALUES ('pos', ?, '{}', 'closed')", arguments: [number])
            }
            for (index, answer) in answers.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO surveyResponse (round, respondent, answeredAt, score, touchpoint, emotion, importedAt)
                        VALUES (?, ?, '2026-12-01 00:00:00.000', ?, ?, ?, '2026-12-01 00:00:00.000')
                        """,
                    arguments: [answer.round, "r\(index)", answer.score, answer.touchpoint, answer.emotion])
            }
        }
        try queue.close()
        let store = try Store(path: path)
        let (first, second, count) = try store.read { tx in
            (try tx.tally(round: 1, of: "pos"), try tx.tally(round: 2, of: "pos"), try tx.responseCount(round: 1, of: "pos"))
        }
        var expected = RoundTally()
        for answer in answers where answer.round == 1 {
            expected.add(touchpoint: answer.touchpoint, score: answer.score, emotion: answer.emotion.flatMap(Emotion.init(rawValue:)))
        }
        #expect(first == expected)
        #expect(first.untagged.unanswered == 1 && first.untagged.scores == [2: 2])
        #expect(second.touchpoints["checkout"]?.scores == [1: 1])
        #expect(count == 6)
    }
}
