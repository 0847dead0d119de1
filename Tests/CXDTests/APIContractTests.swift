import CXEngine
import CXTestSupport
import Foundation
import Testing

/// The HTTP service's contract, checked by tools that share no code with it: the OpenAPI
/// document by openapi-spec-validator, the running daemon against that document by
/// schemathesis and by jsonschema, `/metrics` by Prometheus' promtool, and calendar feeds by
/// the Python `icalendar` parser.
@Suite("HTTP API contract (OpenAPI, schemathesis, promtool, icalendar)", .serialized)
struct APIContractTests {
    static let documentPath = repositoryRoot().appendingPathComponent("web/openapi.json").path
    static func script(_ name: String) -> String { repositoryRoot().appendingPathComponent("Tests/api/\(name)").path }

    /// Runs the test environment's Python (`-m module` or a script of Tests/api).
    func python(_ arguments: [String], directory: String? = nil, timeout: TimeInterval = 60) async throws -> CXDProcess.Result {
        try await PythonTools.requireEnvironment()
        return try await ExternalTool(path: PythonTools.python).run(arguments, directory: directory, timeout: timeout)
    }

    // MARK: - The document

    @Test("web/openapi.json is valid OpenAPI 3.1, and the validator refuses a broken copy of it")
    func theDocumentIsValidOpenAPI() async throws {
        let valid = try await python(["-m", "openapi_spec_validator", "--schema", "3.1", Self.documentPath])
        #expect(valid.status == 0, "openapi-spec-validator: \(valid.stdout)\(valid.stderr)")

        // The same document with a parameter in a place OpenAPI does not have.
        let folder = TemporaryDirectory("cxd-openapi")
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        try folder.write("broken.json", text.replacingOccurrences(of: #""in": "query""#, with: #""in": "body""#))
        let broken = try await python(["-m", "openapi_spec_validator", "--schema", "3.1", folder.file("broken.json")])
        #expect(broken.status != 0, "openapi-spec-validator accepted a parameter \"in\": \"body\"")
    }

    // MARK: - The running daemon against the document

    @Test("schemathesis finds no server error, undocumented status, wrong content type or schema break")
    func schemathesisAgreesWithTheDocument() async throws {
        let daemon = try await WebDaemon()
        let folder = TemporaryDirectory("cxd-schemathesis")
        let run = try await python(
            [
                "-m", "schemathesis.cli", "run", Self.documentPath, "--url", daemon.baseURL,
                "--header", "Authorization: Bearer \(WebDaemon.adminToken)",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--phases", "examples,coverage,fuzzing", "--max-examples", "15", "--seed", "20261201",
                "--workers", "1", "--request-timeout", "20", "--generation-database", "none",
                "--suppress-health-check", "too_slow,filter_too_much", "--no-color",
            ], directory: folder.path, timeout: 150)
        let result = await daemon.stop()
        #expect(run.status == 0, "schemathesis:\n\(run.stdout.suffix(6000))\(run.stderr.suffix(2000))")
        #expect(!result.stderr.contains("request failed"), "the daemon logged an internal error:\n\(result.stderr.suffix(4000))")
    }

    /// One HTTP exchange as check_responses.py reads it.
    struct Exchange: Encodable {
        var name: String
        var method: String
        /// The document's path template.
        var path: String
        var status: Int
        var contentType: String
        var body: String

        enum CodingKeys: String, CodingKey { case name, method, path, status, contentType = "content_type", body }
    }

    /// The error body every refusal carries.
    struct ErrorBody: Decodable {
        struct Inner: Decodable {
            struct Problem: Decodable { var index: Int?; var message: String }
            var status: Int
            var message: String
            var problems: [Problem]?
        }
        var error: Inner
    }

    @Test("real answers — pages, detail, tasks, actions, 400/401/403/404/409/413/422 — fit the document's schemas")
    func realResponsesFitTheDocument() async throws {
        let daemon = try await WebDaemon()
        var exchanges: [Exchange] = []
        let admin = WebDaemon.adminToken, hung = WebDaemon.personToken

        /// Sends a request, expects `status`, and keeps the exchange for the schema check.
        @discardableResult
        func exchange(
            _ name: String, _ method: String, _ path: String, template: String, token: String?, body: String? = nil, expect status: Int
        ) async throws -> String {
            let answer = try await daemon.request(method, path, token: token, body: body)
            #expect(answer.status == status, "\(name): \(method) \(path) answered \(answer.status), expected \(status): \(answer.body)")
            exchanges.append(Exchange(
                name: name, method: method, path: template, status: answer.status,
                contentType: answer.headers["content-type"] ?? "", body: answer.body))
            return answer.body
        }
        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        // The served document is the committed one (EmbeddedWeb.swift is regenerated).
        let served = try await daemon.request("GET", "/api/v1/openapi.json")
        #expect(served.status == 200)
        let committed = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        #expect(served.body.trimmingCharacters(in: .newlines) == committed.trimmingCharacters(in: .newlines),
                "the daemon serves another openapi.json than web/openapi.json: run `python3 scripts/embed-web.py`")

        let list = "/api/v1/initiatives"
        let page = try object(try await exchange("list", "GET", "\(list)?limit=1", template: list, token: admin, expect: 200))
        #expect((page["items"] as? [Any])?.count == 1)
        let next = try #require(page["next"] as? String, "a page of 1 of the example's 3 initiatives has a next page")
        try await exchange("list, next page", "GET", "\(list)?limit=500&after=\(next)", template: list, token: admin, expect: 200)
        try await exchange("list active", "GET", "\(list)?phase=active", template: list, token: hung, expect: 200)
        let pending = try object(try await exchange("list pending", "GET", "\(list)?phase=pending", template: list, token: hung, expect: 200))
        let notStarted = try #require((pending["items"] as? [[String: Any]])?.first?["id"] as? String, "the example has pending initiatives")
        try await exchange("list overdue", "GET", "\(list)?overdue=true&owner=hung", template: list, token: admin, expect: 200)
        try await exchange("limit 0", "GET", "\(list)?limit=0", template: list, token: admin, expect: 400)
        try await exchange("limit 501", "GET", "\(list)?limit=501", template: list, token: admin, expect: 400)
        try await exchange("unknown phase", "GET", "\(list)?phase=done", template: list, token: admin, expect: 400)
        try await exchange("no token", "GET", list, template: list, token: nil, expect: 401)
        try await exchange("unknown token", "GET", list, template: list, token: "not-a-token", expect: 401)
        let unauthorized = try await daemon.request("GET", list)
        #expect(unauthorized.headers["www-authenticate"] == "Bearer")

        let detail = "/api/v1/initiatives/{id}"
        let posCheckout = try object(try await exchange(
            "detail", "GET", "/api/v1/initiatives/pos-checkout", template: detail, token: admin, expect: 200))
        #expect(((posCheckout["runs"] as? [Any])?.count ?? 0) >= 1)
        try await exchange("unknown initiative", "GET", "/api/v1/initiatives/no-such-initiative", template: detail, token: admin, expect: 404)
        let events = "/api/v1/initiatives/{id}/events"
        try await exchange("events", "GET", "/api/v1/initiatives/pos-checkout/events?limit=2", template: events, token: admin, expect: 200)
        let allEvents = try object(try await exchange(
            "events, all", "GET", "/api/v1/initiatives/pos-checkout/events?limit=500", template: events, token: admin, expect: 200))
        let eventCount = try #require((allEvents["items"] as? [Any])?.count)
        let fullLastPage = try object(try await exchange(
            "events, a full last page", "GET", "/api/v1/initiatives/pos-checkout/events?limit=\(eventCount)", template: events, token: admin, expect: 200))
        #expect(fullLastPage["next"] == nil, "a last page that happens to be full points at an empty one")
        let firstEvent = try object(try await exchange(
            "events, first page", "GET", "/api/v1/initiatives/pos-checkout/events?limit=1", template: events, token: admin, expect: 200))
        let afterFirst = try #require(firstEvent["next"] as? String)
        let rest = try object(try await exchange(
            "events, the rest", "GET", "/api/v1/initiatives/pos-checkout/events?after=\(afterFirst)", template: events, token: admin, expect: 200))
        #expect((rest["items"] as? [Any])?.count == eventCount - 1)
        try await exchange("events, bad after", "GET", "/api/v1/initiatives/pos-checkout/events?after=-1", template: events, token: admin, expect: 400)
        let outbox = "/api/v1/outbox"
        try await exchange("outbox", "GET", "\(outbox)?limit=5", template: outbox, token: admin, expect: 200)
        try await exchange("outbox pending", "GET", "\(outbox)?status=pending", template: outbox, token: admin, expect: 200)
        try await exchange("outbox, bad status", "GET", "\(outbox)?status=sent", template: outbox, token: admin, expect: 400)
        let tasks = "/api/v1/people/{id}/tasks"
        let hungTasks = try object(try await exchange("tasks", "GET", "/api/v1/people/hung/tasks", template: tasks, token: hung, expect: 200))
        #expect(((hungTasks["steps"] as? [Any])?.count ?? 0) >= 1, "hung owns the open step of pos-checkout")
        try await exchange("unknown person", "GET", "/api/v1/people/nobody/tasks", template: tasks, token: admin, expect: 404)

        // Writes.
        let snooze = "/api/v1/initiatives/{id}/snooze"
        let snoozed = try object(try await exchange(
            "snooze", "POST", "/api/v1/initiatives/pos-checkout/snooze", template: snooze, token: hung, body: #"{"for": "1d"}"#, expect: 200))
        #expect(snoozed["id"] as? String == "pos-checkout")
        try await exchange("snooze without for", "POST", "/api/v1/initiatives/pos-checkout/snooze", template: snooze, token: hung, body: "{}", expect: 400)
        try await exchange("snooze, bad duration", "POST", "/api/v1/initiatives/pos-checkout/snooze", template: snooze, token: hung, body: #"{"for": "soon"}"#, expect: 400)
        let resume = "/api/v1/initiatives/{id}/resume"
        try await exchange("resume an active initiative", "POST", "/api/v1/initiatives/pos-checkout/resume", template: resume, token: admin, expect: 409)
        let complete = "/api/v1/initiatives/{id}/complete"
        try await exchange("complete, not JSON", "POST", "/api/v1/initiatives/pos-checkout/complete", template: complete, token: admin, body: "{", expect: 400)
        try await exchange(
            "complete, too large", "POST", "/api/v1/initiatives/pos-checkout/complete", template: complete, token: admin,
            body: #"{"note": ""# + String(repeating: "x", count: 70_000) + #""}"#, expect: 413)
        try await exchange("complete, unknown", "POST", "/api/v1/initiatives/no-such-initiative/complete", template: complete, token: admin, expect: 404)
        try await exchange("complete without a token", "POST", "/api/v1/initiatives/pos-checkout/complete", template: complete, token: nil, expect: 401)
        try await exchange(
            "a person acts on a pending initiative", "POST", "/api/v1/initiatives/\(notStarted)/pause", template: "/api/v1/initiatives/{id}/pause",
            token: hung, expect: 403)
        let completed = try object(try await exchange(
            "admin completes hung's step", "POST", "/api/v1/initiatives/pos-checkout/complete", template: complete, token: admin,
            body: #"{"note": "done in the contract test"}"#, expect: 200))
        let nextOwner = try #require(completed["owner"] as? String)
        try #require(nextOwner != WebDaemon.person, "the example's second step is not hung's")
        let refused = try await exchange(
            "hung completes \(nextOwner)'s step", "POST", "/api/v1/initiatives/pos-checkout/complete", template: complete, token: hung, expect: 403)
        #expect(refused.contains("belongs to \(nextOwner)"))
        let reopen = "/api/v1/initiatives/{id}/reopen"
        try await exchange("reopen without a step", "POST", "/api/v1/initiatives/pos-checkout/reopen", template: reopen, token: admin, body: "{}", expect: 400)
        let close = "/api/v1/followups/{id}/close"
        try await exchange("close, not a number", "POST", "/api/v1/followups/abc/close", template: close, token: admin, expect: 400)
        try await exchange("close, unknown", "POST", "/api/v1/followups/999999/close", template: close, token: admin, expect: 404)

        let responses = "/api/v1/initiatives/{id}/responses"
        let badAnswers = [
            #"{"respondent": "c-1", "timestamp": "yesterday", "score": 4}"#,
            #"{"respondent": "c-2", "timestamp": "2026-11-30T10:00:00+07:00", "score": 5, "touchpoint": "checkout"}"#,
            #"{"respondent": "c-3", "timestamp": "2026-11-30", "score": 99, "touchpoint": "nowhere"}"#,
        ]
        let answers = #"{"responses": ["# + (badAnswers + ["7"]).joined(separator: ", ") + "]}"
        let withoutTheNumber = #"{"responses": ["# + badAnswers.joined(separator: ", ") + "]}"
        try await exchange("answers as a person", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: hung, body: answers, expect: 403)
        let rejectedItems = try await exchange(
            "answers, one not an object", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: admin, body: answers, expect: 422)
        #expect(try JSONDecoder().decode(ErrorBody.self, from: Data(rejectedItems.utf8)).error.problems?.map(\.index) == [3])
        let rejected = try await exchange(
            "bad answers", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: admin, body: withoutTheNumber, expect: 422)
        let problems = try JSONDecoder().decode(ErrorBody.self, from: Data(rejected.utf8)).error
        #expect(problems.status == 422)
        #expect(problems.problems?.map(\.index) == [0, 2], "\(rejected)")
        try await exchange(
            "answers, unknown field", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: admin,
            body: #"{"responses": [], "extra": 1}"#, expect: 400)
        try await exchange(
            "answers for an unknown round", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: admin,
            body: #"{"round": 99, "responses": [{"respondent": "c-8", "timestamp": "2026-11-30", "score": 2}]}"#, expect: 404)
        try await exchange(
            "answers, skip_invalid not a boolean", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: admin,
            body: #"{"skip_invalid": 1, "responses": []}"#, expect: 400)
        let imported = try object(try await exchange(
            "good answers", "POST", "/api/v1/initiatives/pos-checkout/responses", template: responses, token: admin,
            body: #"{"skip_invalid": true, "responses": [{"respondent": "c-9", "timestamp": "2026-11-30", "score": 2, "touchpoint": "checkout"}]}"#,
            expect: 201))
        #expect(imported["imported"] as? Int == 1)

        let result = await daemon.stop()
        #expect(!result.stderr.contains("request failed"), "the daemon logged an internal error:\n\(result.stderr.suffix(4000))")

        let folder = TemporaryDirectory("cxd-api-exchanges")
        let encoder = JSONEncoder()
        try encoder.encode(exchanges).write(to: URL(fileURLWithPath: folder.file("exchanges.json")))
        let check = try await python([Self.script("check_responses.py"), Self.documentPath, folder.file("exchanges.json")])
        #expect(check.status == 0, "\(check.stderr)")
        let report = try JSONDecoder().decode([String: [String]].self, from: Data(check.stdout.utf8))
        #expect(report.count == exchanges.count)
        for (name, problems) in report.sorted(by: { $0.key < $1.key }) {
            #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "; "))")
        }
    }

    @Test("the response checker itself refuses an answer that breaks the document")
    func theResponseCheckerCatchesABreak() async throws {
        let folder = TemporaryDirectory("cxd-api-exchanges")
        let exchanges = [
            Exchange(name: "missing title", method: "GET", path: "/api/v1/initiatives/{id}/complete", status: 200, contentType: "application/json", body: "{}"),
            Exchange(
                name: "null owner", method: "POST", path: "/api/v1/initiatives/{id}/complete", status: 200, contentType: "application/json",
                body: #"{"id": "a", "title": "A", "phase": "active", "cycle": 1, "owner": null}"#),
            Exchange(name: "undocumented status", method: "GET", path: "/api/v1/outbox", status: 418, contentType: "application/json", body: "{}"),
            Exchange(
                name: "error without message", method: "GET", path: "/api/v1/outbox", status: 400, contentType: "application/json",
                body: #"{"error": {"status": 400}}"#),
            Exchange(
                name: "bad date", method: "GET", path: "/api/v1/initiatives", status: 200, contentType: "application/json",
                body: #"{"items": [{"id": "a", "title": "A", "phase": "active", "cycle": 1, "due_at": "tomorrow"}]}"#),
        ]
        try JSONEncoder().encode(exchanges).write(to: URL(fileURLWithPath: folder.file("exchanges.json")))
        let check = try await python([Self.script("check_responses.py"), Self.documentPath, folder.file("exchanges.json")])
        let report = try JSONDecoder().decode([String: [String]].self, from: Data(check.stdout.utf8))
        for exchange in exchanges {
            #expect(!(report[exchange.name] ?? []).isEmpty, "\(exchange.name) was not refused")
        }
    }

    // MARK: - Metrics

    @Test("/metrics passes `promtool check metrics`, and every metric is in the README")
    func metricsPassPromtool() async throws {
        let promtool = try ExternalTool("promtool", package: "prometheus")
        let daemon = try await WebDaemon()
        // Deliveries (the example's notifications go to a file) fill the counters and histograms.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if try await daemon.request("GET", "/metrics").body.contains("cxd_delivery_latency_seconds_bucket") { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let answer = try await daemon.request("GET", "/metrics")
        await daemon.stop()
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = answer.body
        #expect(text.contains("cxd_deliveries_total{"), "no delivery was counted:\n\(text)")

        let folder = TemporaryDirectory("cxd-metrics")
        try folder.write("metrics.txt", text)
        let check = try await promtool.run(["check", "metrics"], input: folder.file("metrics.txt"))
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "promtool:\n\(check.stdout)\(check.stderr)\n---\n\(text)")

        let readme = try String(contentsOf: repositoryRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) }
        #expect(families.count >= 10)
        for family in families {
            #expect(readme.contains("`\(family)`"), "\(family) is not described in the README's Metrics section")
        }
    }

    // MARK: - Calendar feeds

    struct ParsedFeed: Decodable {
        struct Event: Decodable, Equatable { var uid: String; var dtstart: String; var summary: String }
        var problems: [String]
        var events: [Event]
    }

    @Test("a calendar feed parses with icalendar: stable UIDs, DTSTART at the step's deadline; a revoked token gets 404")
    func calendarFeedsParse() async throws {
        let daemon = try await WebDaemon()
        // The token is derived from the key the database keeps: the engine in this process
        // and the daemon agree on it.
        let engine = try daemon.project.engine()
        let token = try await engine.calendarToken(of: WebDaemon.person)
        let path = "/calendar/\(WebDaemon.person).ics?token=\(token)"
        let first = try await daemon.request("GET", path)
        let second = try await daemon.request("GET", path)
        #expect(first.status == 200 && second.status == 200, "\(first.body)")
        #expect(first.headers["content-type"] == "text/calendar; charset=utf-8")
        let tasks = try await daemon.request("GET", "/api/v1/people/hung/tasks", token: WebDaemon.personToken)

        let folder = TemporaryDirectory("cxd-calendar")
        try folder.write("first.ics", first.body)
        try folder.write("second.ics", second.body)
        let parse = try await python([Self.script("check_calendar.py"), folder.file("first.ics"), folder.file("second.ics")])
        #expect(parse.status == 0, "\(parse.stderr)")
        let feeds = try JSONDecoder().decode([ParsedFeed].self, from: Data(parse.stdout.utf8))
        #expect(feeds.count == 2)
        #expect(feeds.allSatisfy { $0.problems.isEmpty }, "\(feeds.map(\.problems))")
        #expect(feeds.first?.events.map(\.uid) == feeds.last?.events.map(\.uid), "UIDs changed between two fetches")

        struct Tasks: Decodable { struct Step: Decodable { var id: String; var dueAt: Date? }; var steps: [Step] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        let steps = try decoder.decode(Tasks.self, from: Data(tasks.body.utf8)).steps
        let events = try #require(feeds.first?.events)
        #expect(!steps.isEmpty && events.count == steps.count, "steps \(steps), events \(events)")
        for step in steps {
            let due = try #require(step.dueAt)
            let event = events.first { $0.uid.hasPrefix("step-\(step.id)-") }
            #expect(event?.dtstart == Date.ISO8601FormatStyle().format(due), "\(step.id): \(String(describing: event)) vs due \(due)")
        }

        // The first character changed: the last one of unpadded base64 carries spare bits, so
        // changing it may name the same bytes (1 run in ~60 kept a valid token that way).
        let other: Character = token.first == "x" ? "y" : "x"
        let wrong = try await daemon.request("GET", "/calendar/\(WebDaemon.person).ics?token=\(other)\(token.dropFirst())")
        #expect(wrong.status == 404)
        let renewed = try await engine.revokeCalendar(of: WebDaemon.person)
        #expect(renewed != token)
        let revoked = try await daemon.request("GET", path)
        #expect(revoked.status == 404, "a revoked token still opens the feed")
        #expect(revoked.headers["content-type"]?.hasPrefix("application/json") == true)
        let current = try await daemon.request("GET", "/calendar/\(WebDaemon.person).ics?token=\(renewed)")
        #expect(current.status == 200)
        await daemon.stop()
    }
}
