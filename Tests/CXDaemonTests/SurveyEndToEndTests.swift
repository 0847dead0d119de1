import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import CXSurveys
import CXTestSupport
import Foundation
import Testing

/// Answers for an import file: `good` of `total` respondents satisfied (CSAT 4–5), spread over
/// the salon touchpoints; the unhappy ones on `checkout` score 2 with a negative emotion.
func csatAnswers(prefix: String, total: Int, good: Int, on day: String) -> String {
    var lines = ["respondent,timestamp,score,touchpoint,comment,emotion"]
    for index in 0..<total {
        let satisfied = index < good
        let touchpoint = satisfied ? (index % 2 == 0 ? "salon-reception" : "aftercare-sms") : "checkout"
        let score = satisfied ? (index % 3 == 0 ? 4 : 5) : (index % 2 == 0 ? 2 : 3)
        let emotion = satisfied ? "positive" : (score == 2 ? "negative" : "neutral")
        let comment = satisfied ? "Nhân viên thân thiện" : "Chờ thanh toán \"\"rất\"\" lâu, khó chịu"
        lines.append("\(prefix)-\(index),\(day)T10:00:00+07:00,\(score),\(touchpoint),\"\(comment)\",\(emotion)")
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("End to end: the re-survey loop with imported answers")
struct SurveyEndToEndTests {
    /// On both stores (answers, tallies, rounds and follow-ups through either database).
    @Test(arguments: TestProject.Backend.allCases)
    func twoLoopsBelowTargetThenGoalMet(backend: TestProject.Backend) async throws {
        let project = try await TestProject.make(keeping: ["pos-checkout"], backend: backend)
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try project.appendToInitiative("pos-checkout", """

            insights:
              checkout: Khách phải chờ lâu khi thanh toán
            priorities: [checkout]
            actions:
              - problem: Chờ thanh toán lâu
                solution: Thêm máy POS di động
            """)
        try await sim.reload()
        try await sim.act(.complete(step: "scope", by: "hung", note: nil), at: hanoi("2026-11-24T10:00"))
        try await sim.act(.complete(step: "journey", by: "lan", note: nil), at: hanoi("2026-11-25T10:00"))
        try await sim.act(.complete(step: "touchpoints", by: "lan", note: nil), at: hanoi("2026-11-26T10:00"))
        // Insight opens round 1: the baseline, 30 of 60 satisfied (CSAT 50 %).
        try await sim.run(until: hanoi("2026-11-30T10:00"))
        let baseline = try await sim.engine.importResponses(
            csatAnswers(prefix: "b", total: 60, good: 30, on: "2026-11-30"), file: "baseline.csv", initiative: "pos-checkout",
            at: hanoi("2026-11-30T10:00"))
        #expect(baseline.round == 1)
        #expect(baseline.imported == 60)
        #expect(baseline.followUpsOpened == 15)
        // Importing the same file again changes nothing.
        let again = try await sim.engine.importResponses(
            csatAnswers(prefix: "b", total: 60, good: 30, on: "2026-11-30"), file: "baseline.csv", initiative: "pos-checkout",
            at: hanoi("2026-11-30T11:00"))
        #expect(again.imported == 0 && again.duplicates == 60 && again.followUpsOpened == 0)
        // Follow-ups are reminded like steps: closed by their owner two days later.
        try await sim.run(until: hanoi("2026-12-03T09:00"))
        try await sim.closeFollowUps(note: "called back", at: hanoi("2026-12-03T09:00"))
        try await sim.act(.complete(step: "insight", by: "minh", note: nil), at: hanoi("2026-12-03T10:00"))
        try await sim.act(.complete(step: "prioritize", by: "hung", note: nil), at: hanoi("2026-12-04T10:00"))
        try await sim.act(.complete(step: "design", by: "thao", note: nil), at: hanoi("2026-12-07T10:00"))
        try await sim.act(.complete(step: "monitor", by: "minh", note: nil), at: hanoi("2026-12-21T10:00"))
        // Cycle 1 re-survey: 45 of 60 (75 %): better than the baseline, below the 85 target.
        let first = try await sim.engine.importResponses(
            csatAnswers(prefix: "r1", total: 60, good: 45, on: "2026-12-22"), file: "resurvey1.csv", initiative: "pos-checkout",
            at: hanoi("2026-12-22T10:00"))
        #expect(first.followUpsOpened == 7)
        try await sim.closeFollowUps(at: hanoi("2026-12-22T11:00"))
        try await sim.act(.complete(step: "resurvey", by: "minh", note: nil), at: hanoi("2026-12-28T10:00"))
        await #expect(try sim.engine.detail(of: "pos-checkout", at: sim.now).status.cycle == 2)
        // Cycle 2.
        try await sim.act(.complete(step: "insight", by: "minh", note: nil), at: hanoi("2027-01-04T10:00"))
        try await sim.act(.complete(step: "prioritize", by: "hung", note: nil), at: hanoi("2027-01-05T10:00"))
        try await sim.act(.complete(step: "design", by: "thao", note: nil), at: hanoi("2027-01-12T10:00"))
        try await sim.act(.complete(step: "monitor", by: "minh", note: nil), at: hanoi("2027-01-26T10:00"))
        let second = try await sim.engine.importResponses(
            csatAnswers(prefix: "r2", total: 60, good: 54, on: "2027-01-27"), file: "resurvey2.csv", initiative: "pos-checkout",
            at: hanoi("2027-01-27T10:00"))
        #expect(second.imported == 60)
        try await sim.closeFollowUps(at: hanoi("2027-01-27T11:00"))
        try await sim.act(.complete(step: "resurvey", by: "minh", note: nil), at: hanoi("2027-01-28T10:00"))

        let history = try await sim.engine.history(of: "pos-checkout")
        let evaluations = history.filter { $0.entry.kind == "cycle.evaluated" }
        #expect(evaluations.map { "c\($0.entry.cycle) \($0.entry.details["outcome"] ?? "")" } == ["c1 improved", "c2 goalMet"])
        #expect(evaluations.first?.entry.details["summary"]
            == "Improved, not yet at target: CSAT rose from 50.0 % (n = 60) to 75.0 % (n = 60), +25.0 pp (95 % CI +7.7 pp to +40.3 pp, p = 0.00468); the target is 85.0 %.")
        await #expect(try sim.engine.detail(of: "pos-checkout", at: sim.now).status.cycle == 3)
        // The survey side of the audit log.
        let surveyLog = history.filter { $0.entry.kind.hasPrefix("survey.") || $0.entry.kind.hasPrefix("cycle.") }.map { event in
            let details = event.entry.details.filter { $0.key != "summary" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return "\(localTime(event.entry.at)) \(event.entry.kind) c\(event.entry.cycle) \(details.joined(separator: " "))"
        }
        #expect(surveyLog == [
            "2026-11-26 10:00 survey.requested c1 closes=2026-12-10T03:00:00Z round=1 trigger=step insight (run 4)",
            "2026-11-30 10:00 survey.responses_imported c1 duplicates=0 file=baseline.csv imported=60 round=1 skipped=0",
            "2026-11-30 11:00 survey.responses_imported c1 duplicates=60 file=baseline.csv imported=0 round=1 skipped=0",
            "2026-12-03 10:00 survey.closed c1 n=60 reason=step completed round=1 value=50.0",
            "2026-12-10 10:00 survey.requested c1 closes=2026-12-24T03:00:00Z round=2 trigger=cadence",
            "2026-12-21 10:00 survey.closed c1 n=0 reason=superseded by the round of step resurvey round=2 value=none",
            "2026-12-21 10:00 survey.requested c1 closes=2027-01-04T03:00:00Z round=3 trigger=step resurvey (run 8)",
            "2026-12-22 10:00 survey.responses_imported c1 duplicates=0 file=resurvey1.csv imported=60 round=3 skipped=0",
            "2026-12-28 10:00 survey.closed c1 n=60 reason=step completed round=3 value=75.0",
            "2026-12-28 10:00 cycle.evaluated c1 baseline=round 1 outcome=improved round=3",
            "2026-12-28 10:00 cycle.started c2 from=resurvey",
            "2026-12-28 10:00 survey.requested c2 closes=2027-01-11T03:00:00Z round=4 trigger=step insight (run 9)",
            "2027-01-04 10:00 survey.closed c2 n=0 reason=step completed round=4 value=none",
            "2027-01-12 10:00 survey.requested c2 closes=2027-01-26T03:00:00Z round=5 trigger=cadence",
            "2027-01-26 10:00 survey.closed c2 n=0 reason=window round=5 value=none",
            "2027-01-26 10:00 survey.requested c2 closes=2027-02-09T03:00:00Z round=6 trigger=cadence",
            "2027-01-26 10:00 survey.closed c2 n=0 reason=superseded by the round of step resurvey round=6 value=none",
            "2027-01-26 10:00 survey.delayed c2 opens=2027-02-02T03:00:00Z reason=survey fatigue guard: min_gap 7d round=7 trigger=step resurvey (run 13)",
            "2027-01-27 10:00 survey.opened_by_import c2 round=7",
            "2027-01-27 10:00 survey.responses_imported c2 duplicates=0 file=resurvey2.csv imported=60 round=7 skipped=0",
            "2027-01-28 10:00 survey.closed c2 n=60 reason=step completed round=7 value=90.0",
            "2027-01-28 10:00 cycle.evaluated c2 baseline=round 1 outcome=goalMet round=7",
            "2027-01-28 10:00 cycle.started c3 from=resurvey",
            "2027-01-28 10:00 survey.delayed c3 opens=2027-02-03T03:00:00Z reason=survey fatigue guard: min_gap 7d round=8 trigger=step insight (run 14)",
        ])
        let notifications = try project.notifications()
        #expect(notifications.filter { !$0.kind.hasPrefix("step.") && !$0.kind.hasPrefix("followup") }.map(\.line) == [
            "2026-11-26 10:00 survey.requested minh insight c1",
            "2026-12-03 10:00 survey.closed minh insight c1",
            "2026-12-10 10:00 survey.requested minh monitor c1",
            "2026-12-21 10:00 survey.closed minh resurvey c1",
            "2026-12-21 10:00 survey.requested minh resurvey c1",
            "2026-12-28 10:00 survey.closed minh resurvey c1",
            "2026-12-28 10:00 cycle.evaluated minh resurvey c1",
            "2026-12-28 10:00 survey.requested minh insight c2",
            "2027-01-04 10:00 survey.closed minh insight c2",
            "2027-01-12 10:00 survey.requested minh monitor c2",
            "2027-01-26 10:00 survey.closed minh monitor c2",
            "2027-01-26 10:00 survey.requested minh monitor c2",
            "2027-01-26 10:00 survey.closed minh resurvey c2",
            "2027-01-28 10:00 survey.closed minh resurvey c2",
            "2027-01-28 10:00 cycle.evaluated minh resurvey c2",
        ])
        // One message per owner and import; overdue follow-ups grouped into one reminder.
        #expect(notifications.filter { $0.kind.hasPrefix("followup") }.map(\.line) == [
            "2026-11-30 10:00 followup.opened thao followup:checkout c1",
            "2026-12-02 10:00 followup.reminders thao [followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue,followup:checkout/step.overdue]",
            "2026-12-22 10:00 followup.opened thao followup:checkout c1",
            "2027-01-27 10:00 followup.opened thao followup:checkout c2",
        ])
        let opened = try #require(notifications.first { $0.kind == "followup.opened" })
        #expect(opened.subject == "15 khách hàng chưa hài lòng cần liên hệ lại: Tăng mức độ hài lòng của khách hàng tại điểm bán")
        #expect(opened.survey?.followUps.count == 15)
        let verdict = try #require(notifications.last { $0.kind == "cycle.evaluated" })
        #expect(verdict.survey?.evaluation?.outcome == .goalMet)
        #expect(verdict.survey?.evaluation?.current.n == 60)
        // The experience map highlights the touchpoint chosen in step 5, with emotions from answers.
        let map = try await sim.engine.journeyMap("pos-checkout")
        #expect(map.stages.first { $0.name == "Mua hàng" }?.touchpoints.first?.selected == true)
        #expect(map.stages.first { $0.name == "Mua hàng" }?.emotionSource == "survey")
    }
}

@Suite("What the engine sends matches docs/notification.schema.json")
struct PayloadSchemaTests {
    /// With the HTTP service configured, so that reminders carry their one-click links too.
    @Test func everyNotificationOfTheSurveyLoopIsValid() async throws {
        try await PythonTools.requireEnvironment()
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") { $0 + "\nhttp:\n  listen: 127.0.0.1:8787\n  public_url: https://cxd.example.com\n" }
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.act(.complete(step: "scope", by: "hung", note: nil), at: hanoi("2026-11-24T10:00"))
        try await sim.act(.complete(step: "journey", by: "lan", note: nil), at: hanoi("2026-11-25T10:00"))
        try await sim.act(.complete(step: "touchpoints", by: "lan", note: nil), at: hanoi("2026-11-26T10:00"))
        _ = try await sim.engine.importResponses(
            csatAnswers(prefix: "b", total: 40, good: 20, on: "2026-11-27"), file: "b.csv", initiative: "pos-checkout",
            at: hanoi("2026-11-27T10:00"))
        try await sim.run(until: hanoi("2026-12-20T10:00"))
        // A digest too: nothing ran for a while.
        try await sim.evaluateOnce(at: hanoi("2027-01-20T10:00"))
        let lines = try String(contentsOfFile: project.notificationsPath, encoding: .utf8).split(separator: "\n")
        let kinds = Set(try project.notifications().map(\.kind))
        #expect(kinds.isSuperset(of: ["step.started", "survey.requested", "survey.closed", "followup.opened", "followup.reminders", "reminder.digest"]))
        #expect(try project.notifications().contains { $0.reminder?.links?.done != nil })
        #expect(try project.notifications().contains { $0.items?.contains { $0.links?.acknowledge != nil } == true })
        var files: [String] = []
        for (index, line) in lines.enumerated() {
            let path = project.folder.file("payload-\(index).json")
            try Data(line.utf8).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        // Waited for without holding a thread of the cooperative pool.
        let checked = try await ExternalTool(path: PythonTools.python).run(
            [repositoryRoot().appendingPathComponent("Tests/Support/webhook_schema_check.py").path,
             repositoryRoot().appendingPathComponent("docs/notification.schema.json").path] + files, timeout: 120)
        let data = Data(checked.stdout.utf8)
        let results = try JSONSerialization.jsonObject(with: data) as? [String: [String]] ?? [:]
        #expect(results.count == files.count)
        for (file, errors) in results where !errors.isEmpty {
            Issue.record("\(file): \(errors)")
        }
    }
}
