import CXConfig
import CXCore
import CXEngine
import CXStore
import CXSurveys
import CXTestSupport
import Foundation
import PropertyBased
import Synchronization
import Testing

@Suite("Importing survey answers")
struct SurveyImportTests {
    func engine(on backend: TestProject.Backend = .sqlite) async throws -> (TestProject, Engine) {
        let project = try await TestProject.make(keeping: ["pos-checkout"], backend: backend)
        let engine = try project.engine()
        try await engine.reconcile(at: hanoi("2026-11-23T08:30"))
        try await engine.evaluate(at: hanoi("2026-11-23T08:30"))
        return (project, engine)
    }

    @Test(arguments: TestProject.Backend.allCases)
    func aFileWithBadRowsIsRefusedWholeUnlessSkipInvalid(backend: TestProject.Backend) async throws {
        let (project, engine) = try await engine(on: backend)
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

    @Test func aLargeFileIsStreamedAndImportedInOneTransaction() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        var lines = ["respondent,timestamp,score,touchpoint"]
        for index in 0..<12_000 { lines.append("r\(index),2026-11-24T10:00:00+07:00,\(index % 5 + 1),") }
        try project.folder.write("answers.csv", lines.joined(separator: "\n"))
        let source = ResponseSource.file(path: project.folder.file("answers.csv"))
        let commits = engine.store.countCommitsForTesting()
        let phases = Mutex<[ImportProgress.Phase]>([])
        let report = try await engine.importResponses(
            from: source, file: "answers.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"),
            progress: { progress in phases.withLock { $0.append(progress.phase) } })
        #expect(report.imported == 12_000)
        // Checked first (no transaction), then imported in one transaction: all or nothing.
        #expect(commits.count == 1)
        #expect(report.writeSeconds > 0)
        #expect(phases.withLock { $0.first == .checking && $0.last == .importing })
        let again = try await engine.importResponses(
            from: source, file: "answers.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        #expect(again.imported == 0)
        #expect(again.duplicates == 12_000)
        await #expect(try engine.store.read { tx in try tx.responseCount(round: 1, of: "pos-checkout") } == 12_000)
    }

    @Test func aHeaderOnlyFileIsRefusedAndCreatesNoRound() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        for (file, text) in [("empty.csv", "respondent,timestamp,score,touchpoint\r\n"), ("empty.jsonl", "\n\n")] {
            await #expect {
                _ = try await engine.importResponses(text, file: file, initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
            } throws: { error in
                (error as? ImportError)?.description == "\(file):1: no answers to import (expected rows of respondent,timestamp,"
                    + "score after the header, or JSON objects, one per line); nothing was imported"
            }
        }
        // Only bad rows, skipped: nothing to import either.
        await #expect(throws: ImportError.self) {
            _ = try await engine.importResponses(
                "respondent,timestamp,score\na,2026-11-24,9\n", file: "bad.csv", initiative: "pos-checkout", skipInvalid: true,
                at: hanoi("2026-11-24T11:00"))
        }
        await #expect(try engine.store.read { tx in try tx.rounds(of: "pos-checkout") }.isEmpty)
    }

    @Test func blankScoresAreSeenNotAnsweredAndCountedApart() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        let text = """
            respondent,timestamp,score,touchpoint,emotion
            a,2026-11-24,5,checkout,positive
            b,2026-11-24,,checkout,negative
            c,2026-11-24,2,,
            d,2026-11-24,,,
            """
        let report = try await engine.importResponses(text, file: "a.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        #expect(report.imported == 4)
        #expect(report.unanswered == 2)
        // A negative emotion on a touchpoint is followed up even without a score.
        #expect(report.followUpsOpened == 1)
        let (stored, tally) = try await engine.store.read { tx in
            (try tx.responses(round: 1, of: "pos-checkout"), try tx.tally(round: 1, of: "pos-checkout"))
        }
        #expect(stored.map(\.score) == [5, nil, 2, nil])
        #expect(tally.overall.unanswered == 2)
        #expect(tally.total == 4)
        // The metric's n counts the answered ones; the unanswered are counted apart.
        let metric = SurveyMetrics.measure(stored.map(\.response), on: .csat)
        #expect(metric.n == 2)
        #expect(metric.unanswered == 2)
        #expect(tally.touchpoints["checkout"]?.emotions.negative == 1)
    }

    @Test(arguments: TestProject.Backend.allCases)
    func aRespondentRepeatedInTheFileWithAnotherAnswerIsRefusedWithBothLines(backend: TestProject.Backend) async throws {
        let (project, engine) = try await engine(on: backend)
        defer { withExtendedLifetime(project) {} }
        let text = """
            respondent,timestamp,score,touchpoint
            a,2026-11-24T10:00:00+07:00,5,checkout
            b,2026-11-24T10:00:00+07:00,4,checkout
            a,2026-11-24T10:00:00+07:00,5,checkout
            b,2026-11-24T10:00:00+07:00,1,checkout
            c,2026-11-24T10:00:00+07:00,3,
            """
        await #expect {
            _ = try await engine.importResponses(text, file: "a.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        } throws: { error in
            (error as? ImportError)?.description == """
                a.csv:5: respondent 'b' already answered on line 3 of this file, differently (score 4 there, 1 here); \
                expected one answer per respondent and round (line 3 is kept)
                1 bad row(s); nothing was imported (use --skip-invalid to import the good ones)
                """
        }
        // Rolled back whole: not even the round.
        await #expect(try engine.store.read { tx in try tx.rounds(of: "pos-checkout") }.isEmpty)
        let report = try await engine.importResponses(
            text, file: "a.csv", initiative: "pos-checkout", skipInvalid: true, at: hanoi("2026-11-24T11:00"))
        #expect(report.imported == 3)
        // The same answer twice is a harmless duplicate.
        #expect(report.duplicates == 1)
        #expect(report.skipped == [
            "line 5: respondent 'b' already answered on line 3 of this file, differently (score 4 there, 1 here); "
                + "expected one answer per respondent and round (line 3 is kept)",
        ])
        let scores = try await engine.store.read { tx in try tx.responses(round: 1, of: "pos-checkout") }.map(\.score)
        #expect(scores == [5, 4, 3])
    }

    @Test func aRespondentStoredByAnEarlierImportIsKeptAndADifferentAnswerIsReported() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        _ = try await engine.importResponses(
            "respondent,timestamp,score\na,2026-11-24,5\nb,2026-11-24,4\n", file: "first.csv", initiative: "pos-checkout",
            at: hanoi("2026-11-24T11:00"))
        let report = try await engine.importResponses(
            "respondent,timestamp,score\na,2026-11-24,5\nb,2026-11-24,2\nc,2026-11-24,3\n", file: "second.csv",
            initiative: "pos-checkout", at: hanoi("2026-11-24T12:00"))
        #expect(report.imported == 1)
        #expect(report.duplicates == 2)
        #expect(report.changedCount == 1)
        #expect(report.changed == [
            "line 3: respondent 'b' is already in round 1 from an earlier import with another answer (score 4 there, 2 here); "
                + "the stored answer is kept",
        ])
        let scores = try await engine.store.read { tx in try tx.responses(round: 1, of: "pos-checkout") }.map(\.score)
        #expect(scores == [5, 4, 3])
    }

    @Test func theTallyCountsWhatTheRoundHolds() async throws {
        let names = ["checkout", "salon-reception", "aftercare-sms", ""]
        let emotions = ["positive", "neutral", "negative", ""]
        // Several files into one round: repeats, blanks, touchpoints, emotions.
        // One number per answer: respondent (31), score (6, 0 = blank), touchpoint (4), emotion (4).
        await propertyCheck(count: 20, input: Gen.int(in: 0...(31 * 6 * 4 * 4 - 1)).array(of: 1...30).array(of: 1...4)) { files in
            do {
                let (project, engine) = try await engine()
                defer { withExtendedLifetime(project) {} }
                for (number, rows) in files.enumerated() {
                    var lines = ["respondent,timestamp,score,touchpoint,emotion"]
                    for answer in rows {
                        let (respondent, score, touchpoint, emotion) = (answer % 31, answer / 31 % 6, answer / 186 % 4, answer / 744)
                        lines.append("r\(respondent),2026-11-24T10:00:00Z,\(score == 0 ? "" : String(score)),\(names[touchpoint]),\(emotions[emotion])")
                    }
                    _ = try await engine.importResponses(
                        lines.joined(separator: "\n"), file: "\(number).csv", initiative: "pos-checkout", round: number == 0 ? nil : 1,
                        skipInvalid: true, at: hanoi("2026-11-24T11:00"))
                }
                let (tally, responses) = try await engine.store.read { tx in
                    (try tx.tally(round: 1, of: "pos-checkout"), try tx.responses(round: 1, of: "pos-checkout"))
                }
                #expect(tally == RoundTally(responses.map(\.response)))
                await #expect(try engine.store.read { tx in try tx.responseCount(round: 1, of: "pos-checkout") } == responses.count)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func tenThousandDetractorsMakeOneSmallNoticePerOwner() async throws {
        let (project, engine) = try await engine()
        defer { withExtendedLifetime(project) {} }
        var lines = ["respondent,timestamp,score,touchpoint,comment"]
        // Quotes, slashes and backslashes take two bytes each in JSON: the worst case for size.
        let comment = String(repeating: "Chờ \"\"rất\"\" lâu\u{1} \"\"/\\\"\"//\\\\\"\"\"\", ", count: 20)
        for index in 0..<10_000 {
            lines.append("customer-\(index)@example.com,2026-11-24T10:00:00+07:00,1,checkout,\"\(comment)\"")
        }
        let report = try await engine.importResponses(
            lines.joined(separator: "\n"), file: "a.csv", initiative: "pos-checkout", at: hanoi("2026-11-24T11:00"))
        #expect(report.followUpsOpened == 10_000)
        let messages = try await engine.store.read { tx in try tx.messages() }.filter { $0.kind == "followup.opened" }
        #expect(!messages.isEmpty)
        for message in messages {
            // Standard Webhooks advises bodies under 20 kB: the payload is the webhook's body.
            #expect(message.payload.count < 20_000)
            let payload = try JSONSerialization.jsonObject(with: message.payload) as? [String: Any]
            let survey = payload?["survey"] as? [String: Any]
            #expect(survey?["follow_up_count"] as? Int == 10_000)
            let listed = survey?["follow_ups"] as? [[String: Any]] ?? []
            #expect((1...FollowUp.noticeListLimit).contains(listed.count))
            #expect((listed.first?["comment"] as? String)?.hasSuffix("…") == true)
            let text = payload?["text"] as? String ?? ""
            // In the owner's language: how many more, and the command that lists them all.
            #expect(text.contains(" \(10_000 - listed.count) "))
            #expect(text.contains("`cxd followups --initiative pos-checkout`"))
        }
        // Every follow-up is stored with its full comment.
        let stored = try await engine.store.read { tx in try tx.followUps(of: "pos-checkout") }
        #expect(stored.count == 10_000)
        #expect(stored.first?.answer.comment == comment.replacingOccurrences(of: "\"\"", with: "\"").trimmingCharacters(in: .whitespaces))
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
