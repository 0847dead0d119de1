import CXConfig
import CXCore
import CXDaemon
import CXStore
import CXSurveys
import CXTestSupport
import Foundation
import PropertyBased
import Testing

@Suite("Importing survey answers")
struct SurveyImportTests {
    func engine() async throws -> (TestProject, Engine) {
        let project = try TestProject(keeping: ["pos-checkout"])
        let engine = try project.engine()
        try await engine.reconcile(at: hanoi("2026-11-23T08:30"))
        try await engine.evaluate(at: hanoi("2026-11-23T08:30"))
        return (project, engine)
    }

    @Test func aFileWithBadRowsIsRefusedWholeUnlessSkipInvalid() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        let text = """
            respondent,timestamp,score,touchpoint
            a,2026-11-24T10:00:00+07:00,5,checkout
            b,2026-11-24T10:00:00+07:00,9,checkout
            c,2026-11-24T10:00:00+07:00,4,lobby
            d,2026-11-24T10:00:00+07:00,2,checkout
            """
        await #expect {
            _ = try await engine.importResponses(text, file: "answers.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        } throws: { error in
            (error as? ImportError)?.description == """
                answers.csv:3: score 9 is outside the CSAT scale (allowed 1–5)
                answers.csv:4: unknown touchpoint 'lobby' (known: aftercare-sms, checkout, facebook-reviews, salon-reception)
                2 bad row(s); nothing was imported (use --skip-invalid to import the good ones)
                """
        }
        await #expect(try engine.store.read { tx in try tx.rounds(of: "pos-checkout") }.isEmpty)
        let report = try await engine.importResponses(
            text, file: "answers.csv", initiative: "pos-checkout", skipInvalid: true, at: hanoi("2026-11-24T11:00"))
        #expect(report.imported == 2)
        #expect(report.skipped.count == 2)
        #expect(report.followUpsOpened == 1)
        // No round was open: the answers went to a new ad-hoc round (baseline data).
        await #expect(try engine.store.read { tx in try tx.rounds(of: "pos-checkout") }.map(\.trigger) == [.imported])
    }

    @Test func aLargeImportIsStagedInShortTransactions() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        var lines = ["respondent,timestamp,score,touchpoint"]
        for index in 0..<12_000 { lines.append("r\(index),2026-11-24T10:00:00+07:00,\(index % 5 + 1),") }
        let commits = engine.store.countCommitsForTesting()
        let report = try await engine.importResponses(
            lines.joined(separator: "\n"), file: "answers.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        #expect(report.imported == 12_000)
        // 5,000 rows per staging transaction, then the import itself: the write lock is given
        // up between them, so the daemon and other commands are never held back for long.
        #expect(commits.count >= 4)
        // Nothing stays behind in the stage.
        let again = try await engine.importResponses(
            lines.joined(separator: "\n"), file: "answers.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        #expect(again.imported == 0)
        #expect(again.duplicates == 12_000)
    }

    @Test func importingTheSameAnswersTwiceChangesNothing() async throws {
        await propertyCheck(count: 25, input: Gen.int(in: 1...5).array(of: 1...40), Gen.int(in: 0...3).array(of: 1...40)) { scores, touchpoints in
            do {
                let (project, engine) = try await engine()
                defer { withExtendedLifetime(project) {} }
                let names = ["checkout", "salon-reception", "aftercare-sms", ""]
                var lines = ["respondent,timestamp,score,touchpoint,comment"]
                for (index, score) in scores.enumerated() {
                    let touchpoint = names[touchpoints[index % touchpoints.count]]
                    lines.append("r\(index),2026-11-24T10:00:00Z,\(score),\(touchpoint),\"Ý kiến số \(index), rất tốt\"")
                }
                let text = lines.joined(separator: "\n")
                let first = try await engine.importResponses(text, file: "a.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
                let before = try await engine.store.read { tx in
                    (try tx.responses(round: 1, of: "pos-checkout"), try tx.followUps(of: "pos-checkout"), try tx.outboxCounts())
                }
                let second = try await engine.importResponses(text, file: "a.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T12:00"))
                let after = try await engine.store.read { tx in
                    (try tx.responses(round: 1, of: "pos-checkout"), try tx.followUps(of: "pos-checkout"), try tx.outboxCounts())
                }
                #expect(first.imported == scores.count)
                #expect(second.imported == 0 && second.followUpsOpened == 0)
                #expect(before.0 == after.0)
                #expect(before.1 == after.1)
                #expect(before.2 == after.2)
                #expect(after.0.map(\.comment).allSatisfy { $0?.hasPrefix("Ý kiến số") == true })
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
