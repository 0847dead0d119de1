import CXTestSupport
import Foundation
import Testing

@Suite("The cxd command line", .serialized)
struct CLITests {
    @Test func dbStatusListsTheNamedMigrationsAndMigrateSaysWhenThereIsNothingToDo() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let dir = project.folder.path
        let missing = try await CXDProcess.run(["db", "status"], in: dir)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no database here yet"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.databasePath), "nothing may be created")
        let once = try await CXDProcess.run(["run", "--once", "--now", "2026-11-23T02:00:00Z"], in: dir)
        #expect(once.status == 0, "\(once.stderr)")
        let status = try await CXDProcess.run(["db", "status"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("  applied  v1: initiatives, step runs, events, outbox"))
        #expect(status.stdout.contains("  applied  v9: one-click links, calendar feeds, link key"))
        #expect(status.stdout.contains("  applied  v10: initiative versions"))
        #expect(status.stdout.contains("  applied  v11: outbox claims, nodes"))
        #expect(status.stdout.contains("up to date: 11 migration(s) applied"))
        let migrate = try await CXDProcess.run(["db", "migrate"], in: dir)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout == "up to date: 11 migration(s) applied\n")
    }

    @Test func validateAcceptsTheShippedExample() async throws {
        let project = try TestProject()
        let result = try await CXDProcess.run(["validate"], in: project.folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("config/cxd.yaml: OK — 1 workflow(s) with 8 steps, 9 people, 3 initiative(s)"))
    }

    @Test func validateReportsEveryErrorWithItsPositionAndExits65() async throws {
        let project = try TestProject()
        try project.folder.write("config/people.yaml", """
            people:
              - id: lan
                name: Lan
                time_zone: Asia/Saigon2
                manger: hung
            """)
        let result = try await CXDProcess.run(["validate"], in: project.folder.path)
        #expect(result.status == 65)
        #expect(result.stderr.contains("config/people.yaml:4:16: unknown time zone 'Asia/Saigon2'"))
        #expect(result.stderr.contains("config/people.yaml:5:5: unknown key 'manger'; did you mean 'manager'?"))
        #expect(result.stderr.contains("error"))
        #expect(!FileManager.default.fileExists(atPath: project.databasePath), "nothing may be written")
    }

    @Test func usageErrorsExit2() async throws {
        let project = try TestProject()
        let result = try await CXDProcess.run(["status", "--now", "yesterday"], in: project.folder.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--now expects an ISO 8601 instant"))
    }

    @Test func onceAtAFixedInstantThenStatusCompleteAndHistory() async throws {
        let project = try TestProject()
        let dir = project.folder.path
        let once = try await CXDProcess.run(["run", "--once", "--now", "2026-11-24T02:00:00Z"], in: dir)
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stdout.contains("notification(s) queued"))

        let status = try await CXDProcess.run(["status", "--json", "--now", "2026-12-02T02:00:00Z"], in: dir)
        #expect(status.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let initiatives = json?["initiatives"] as? [[String: Any]] ?? []
        let pos = initiatives.first { $0["id"] as? String == "pos-checkout" }
        #expect(pos?["step"] as? String == "scope")
        #expect(pos?["owner"] as? String == "hung")
        // Starts Monday 23 Nov: found late on Tuesday 24 at 09:00, the step opened all the same
        // on Monday 08:30, 5bd → due Monday 30 Nov 17:30; at 09:00 on 2 Dec: 39.5 h late.
        #expect(pos?["overdue_by"] as? Int == 142_200)

        let table = try await CXDProcess.run(["status", "--now", "2026-12-02T02:00:00Z"], in: dir)
        #expect(table.stdout.contains("pos-checkout"))
        #expect(table.stdout.contains("OVERDUE BY"))
        #expect(!table.stdout.contains("\u{1B}["), "no colors when stdout is not a terminal")

        let complete = try await CXDProcess.run(
            ["complete", "pos-checkout", "scope", "--note", "goal agreed with the board", "--now", "2026-12-02T03:00:00Z"], in: dir)
        #expect(complete.status == 0, "\(complete.stderr)")
        #expect(complete.stdout.contains("step journey owned by Nguyễn Thị Lan"))

        let refused = try await CXDProcess.run(["complete", "pos-checkout", "scope", "--now", "2026-12-02T03:00:00Z"], in: dir)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("step 'scope' of initiative 'pos-checkout' is not open; the open step is 'journey'"))

        let history = try await CXDProcess.run(["history", "pos-checkout"], in: dir)
        #expect(history.stdout.contains("step.completed"))
        #expect(history.stdout.contains("note=goal agreed with the board"))

        let unknown = try await CXDProcess.run(["history", "nope"], in: dir)
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("no initiative 'nope' (known: onboarding-nps, pos-checkout, support-effort)"))
    }

    @Test func completingWithoutTheRequiredFieldsIsRefusedWithTheList() async throws {
        let project = try TestProject(keeping: ["onboarding-nps"])
        let dir = project.folder.path
        _ = try await CXDProcess.run(["run", "--once", "--now", "2026-12-07T09:00:00Z"], in: dir)
        _ = try await CXDProcess.run(["complete", "onboarding-nps", "--now", "2026-12-08T09:00:00Z"], in: dir)
        let refused = try await CXDProcess.run(["complete", "onboarding-nps", "--now", "2026-12-09T09:00:00Z"], in: dir)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("cannot complete step 'journey' of initiative 'onboarding-nps': missing 'journey.stages', 'personas'"))
    }

    @Test func planPrintsWhatWouldHappen() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let result = try await CXDProcess.run(["plan", "--days", "10", "--now", "2026-11-23T01:30:00Z"], in: project.folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("2026-11-30 17:30 pos-checkout step.deadline scope 1 - Trần Văn Hùng"))
        #expect(lines.contains("2026-12-03 08:30 pos-checkout step.escalated scope 1 2 Đỗ Thị Mai"))
        #expect(lines.contains("8 event(s) from 2026-11-23 08:30 to 2026-12-03 08:30 if nobody acts"))
        #expect(!FileManager.default.fileExists(atPath: project.notificationsPath))
    }

    @Test func initCreatesAProjectThatValidatesAndRefusesToOverwrite() async throws {
        let folder = TemporaryDirectory("cxd-init")
        let created = try await CXDProcess.run(["init", "demo"], in: folder.path)
        #expect(created.status == 0, "\(created.stderr)")
        let validate = try await CXDProcess.run(["validate"], in: folder.file("demo"))
        #expect(validate.status == 0, "\(validate.stderr)")
        let again = try await CXDProcess.run(["init", "demo"], in: folder.path)
        #expect(again.status == 65)
        #expect(again.stderr.contains("refusing to overwrite"))
    }
}

@Suite("cxd survey, followups and journey", .serialized)
struct SurveyCLITests {
    @Test func importReportsBadRowsWithLinesAndExits65ThenImportsAndShows() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let dir = project.folder.path
        _ = try await CXDProcess.run(["run", "--once", "--now", "2026-11-24T02:00:00Z"], in: dir)
        try project.folder.write("bad.csv", "respondent,timestamp,score,touchpoint\nx,2026-11-25,7,checkout\ny,bad,3,checkout\n")
        let refused = try await CXDProcess.run(["survey", "import", "bad.csv", "--initiative", "pos-checkout", "--now", "2026-11-25T03:00:00Z"], in: dir)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.csv:2: score 7 is outside the CSAT scale (allowed 1–5)"))
        #expect(refused.stderr.contains("bad.csv:3: timestamp 'bad' is not an ISO 8601 instant"))
        let skipped = try await CXDProcess.run(
            ["survey", "import", "bad.csv", "--initiative", "pos-checkout", "--skip-invalid", "--now", "2026-11-25T03:00:00Z"], in: dir)
        // Every row bad and skipped: nothing to import, and no empty round made for it.
        #expect(skipped.status == 65, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("bad.csv:1: no answers to import"))
        try project.folder.write("header.csv", "respondent,timestamp,score\r\n")
        let headerOnly = try await CXDProcess.run(
            ["survey", "import", "header.csv", "--initiative", "pos-checkout", "--now", "2026-11-25T03:00:00Z"], in: dir)
        #expect(headerOnly.status == 65)
        #expect(headerOnly.stderr.contains("header.csv:1: no answers to import"))
        let missing = try await CXDProcess.run(
            ["survey", "import", "missing.csv", "--initiative", "pos-checkout", "--now", "2026-11-25T03:00:00Z"], in: dir)
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("cannot read missing.csv: No such file or directory"))
        try project.folder.write("crlf.jsonl", "{\"respondent\": \"j\", \"timestamp\": \"2026-11-25\", \"score\": null}\r\n")
        let jsonLines = try await CXDProcess.run(
            ["survey", "import", "crlf.jsonl", "--initiative", "pos-checkout", "--now", "2026-11-25T03:00:00Z"], in: dir)
        #expect(jsonLines.stdout.contains("round 1: 1 answer(s) imported (1 without a score), 0 already there"), "\(jsonLines.stderr)")
        try project.folder.write("good.csv", "respondent,timestamp,score,touchpoint,comment,emotion\na,2026-11-25,5,checkout,Rất tốt,positive\nb,2026-11-25,1,checkout,\"Chờ lâu, bực\",negative\n")
        let imported = try await CXDProcess.run(["survey", "import", "good.csv", "--initiative", "pos-checkout", "--now", "2026-11-25T03:00:00Z"], in: dir)
        #expect(imported.stdout.contains("round 1: 2 answer(s) imported, 0 already there, 1 follow-up(s) opened"))
        let show = try await CXDProcess.run(["survey", "show", "pos-checkout", "--json"], in: dir)
        let json = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let overall = (json?["report"] as? [String: Any])?["overall"] as? [String: Any]
        #expect(overall?["value"] as? Double == 50)
        #expect(overall?["n"] as? Int == 2)
        let followups = try await CXDProcess.run(["followups", "--now", "2026-11-25T03:00:00Z"], in: dir)
        #expect(followups.stdout.contains("Chờ lâu, bực"))
        let svg = try await CXDProcess.run(["journey", "pos-checkout", "--format", "svg", "-o", "map.svg"], in: dir)
        #expect(svg.status == 0)
        #expect(try project.folder.read("map.svg").hasPrefix("<?xml"))
    }
}

@Suite("Configuration rules for surveys")
struct SurveyConfigurationCLITests {
    @Test func aWorkflowThatEvaluatesNeedsAGoalTarget() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/initiatives/pos-checkout.yaml") { $0.replacingOccurrences(of: "  target: 85\n", with: "") }
        let result = try await CXDProcess.run(["validate"], in: project.folder.path)
        #expect(result.status == 65)
        #expect(result.stderr.contains(
            "config/initiatives/pos-checkout.yaml:4:11: workflow 'cx-eight-step' evaluates re-surveys against the goal (step 'resurvey'); give goal.target"))
    }
}
