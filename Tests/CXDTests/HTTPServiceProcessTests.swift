import CXTestSupport
import Foundation
import Testing

/// The HTTP service inside a real `cxd run`: tokens, permissions, writes that wake the daemon,
/// one-click links over HTTP, and the refusal to serve the world without a token.
@Suite("The HTTP service of cxd run", .serialized)
struct HTTPServiceProcessTests {
    func notifications(_ project: TestProject) -> String {
        (try? String(contentsOfFile: project.notificationsPath, encoding: .utf8)) ?? ""
    }

    @Test func writesNeedTheOwnersTokenAndWakeTheDaemon() async throws {
        let daemon = try await WebDaemon(keeping: ["pos-checkout"])
        defer { Task { await daemon.stop() } }
        let started = await CXDProcess.waitFor(timeout: 120) { notifications(daemon.project).contains("pos-checkout/run-1/assigned-1@log") }
        #expect(started != nil, "the daemon did not open the first step: \(daemon.process.stderr)")

        let anonymous = try await daemon.request("POST", "/api/v1/initiatives/pos-checkout/complete", body: "{}")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] == "Bearer")
        let wrong = try await daemon.request("POST", "/api/v1/initiatives/pos-checkout/complete", token: "not-a-token-at-all-000", body: "{}")
        #expect(wrong.status == 401)
        #expect(wrong.body.contains("unknown or revoked token"))
        // Reading needs a token too once tokens are configured.
        #expect(try await daemon.request("GET", "/api/v1/initiatives").status == 401)

        // hung owns `scope`; completing it through the API opens `journey` (owner lan) and the
        // daemon, woken, delivers its assignment at once (without the wake it would sleep
        // until its next reminder, hours away).
        let done = try await daemon.request(
            "POST", "/api/v1/initiatives/pos-checkout/complete", token: WebDaemon.personToken, body: #"{"step": "scope", "note": "agreed"}"#)
        #expect(done.status == 200, "\(done.body)")
        #expect(done.body.contains(#""step":"journey""#))
        let delivered = await CXDProcess.waitFor(timeout: 120) { notifications(daemon.project).contains("pos-checkout/run-2/assigned-1@log") }
        #expect(delivered != nil, "the daemon was not woken: \(daemon.process.stderr)")

        // `journey` is lan's: hung may not touch it, an admin may.
        let forbidden = try await daemon.request("POST", "/api/v1/initiatives/pos-checkout/ack", token: WebDaemon.personToken)
        #expect(forbidden.status == 403)
        #expect(forbidden.body.contains("belongs to lan"))
        let snoozed = try await daemon.request(
            "POST", "/api/v1/initiatives/pos-checkout/snooze", token: WebDaemon.adminToken, body: #"{"for": "2d"}"#)
        #expect(snoozed.status == 200, "\(snoozed.body)")
        let badDuration = try await daemon.request(
            "POST", "/api/v1/initiatives/pos-checkout/snooze", token: WebDaemon.adminToken, body: #"{"for": "soon"}"#)
        #expect(badDuration.status == 400)
        #expect(badDuration.body.contains("for must be a duration like 4h, 2d, 1w or 3bd, not 'soon'"))

        // The audit log names the person and the way.
        let events = try await daemon.request("GET", "/api/v1/initiatives/pos-checkout/events?limit=500", token: WebDaemon.adminToken)
        #expect(events.status == 200)
        let items = try #require((try JSONSerialization.jsonObject(with: Data(events.body.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        let completed = try #require(items.first { $0["kind"] as? String == "step.completed" })
        #expect(completed["actor"] as? String == "hung")
        #expect(completed["details"] as? [String: String] == ["note": "agreed", "via": "api"])
        let stopped = await daemon.stop()
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }

    @Test func aOneClickLinkConfirmsOnGetAndActsOnceOnPost() async throws {
        let daemon = try await WebDaemon(keeping: ["pos-checkout"])
        defer { Task { await daemon.stop() } }
        let started = await CXDProcess.waitFor(timeout: 120) { notifications(daemon.project).contains("pos-checkout/run-1/assigned-1@log") }
        #expect(started != nil, "\(daemon.process.stderr)")
        let line = try #require(notifications(daemon.project).split(separator: "\n").first { $0.contains("run-1/assigned-1@log") })
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let links = try #require((payload["reminder"] as? [String: Any])?["links"] as? [String: String])
        let done = try #require(links["done"])
        #expect(done.hasPrefix(daemon.baseURL + "/a/"), "links name the port the daemon listens on: \(done)")
        let path = String(done.dropFirst(daemon.baseURL.count))

        // GET twice: a page with a button; nothing changes (mail scanners fetch every link).
        for _ in 0..<2 {
            let page = try await daemon.request("GET", path)
            #expect(page.status == 200)
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.body.contains("<form method=\"post\" action=\"\(path)\">"))
            #expect(page.body.contains("Xác định mục tiêu và phạm vi"))
            // In the recipient's language (hung reads Vietnamese), whatever the browser says.
            #expect(page.body.contains("Đánh dấu bước đã xong"))
            #expect(!page.body.contains("{{"))
        }
        let before = try await daemon.request("GET", "/api/v1/initiatives/pos-checkout", token: WebDaemon.adminToken)
        #expect(before.body.contains(#""step":"scope""#))

        let acted = try await daemon.request("POST", path, body: "", contentType: "application/x-www-form-urlencoded")
        #expect(acted.status == 200, "\(acted.body)")
        let after = try await daemon.request("GET", "/api/v1/initiatives/pos-checkout", token: WebDaemon.adminToken)
        #expect(after.body.contains(#""step":"journey""#))
        let again = try await daemon.request("POST", path, body: "", contentType: "application/x-www-form-urlencoded")
        #expect(again.status == 409)
        #expect(again.body.contains("đã không còn mở"), "in hung's language: \(again.body)")
        let tampered = try await daemon.request("GET", path.dropLast(2) + "AA")
        #expect(tampered.status == 404)
        #expect(tampered.body.contains("not valid"))
        let events = try await daemon.request("GET", "/api/v1/initiatives/pos-checkout/events?limit=500", token: WebDaemon.adminToken)
        #expect(events.body.contains(#""via":"link""#))
    }

    @Test func aTokenRemovedFromTheConfigurationStopsWorkingOnReload() async throws {
        let daemon = try await WebDaemon(keeping: ["pos-checkout"])
        defer { Task { await daemon.stop() } }
        #expect(try await daemon.request("GET", "/api/v1/people/hung/tasks", token: WebDaemon.personToken).status == 200)
        try daemon.project.edit("config/cxd.yaml") { $0.replacingOccurrences(of: "    hung: {token_file: ../secrets/hung.token}\n", with: "") }
        daemon.process.signal(SIGHUP)
        // A bounded poll: the reload happens when the daemon gets to it.
        var revoked: Bool?
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if try await daemon.request("GET", "/api/v1/people/hung/tasks", token: WebDaemon.personToken).status == 401 {
                revoked = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(revoked != nil, "the token still works after the reload: \(daemon.process.stderr)")
        #expect(try await daemon.request("GET", "/api/v1/people/hung/tasks", token: WebDaemon.adminToken).status == 200)
    }

    @Test func servingBeyondLoopbackWithoutATokenIsRefusedAtStart() async throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        let result = try await CXDProcess.run(["run", "--http-listen", "0.0.0.0:0"], in: project.folder.path, timeout: 60)
        #expect(result.status == 65)
        #expect(result.stderr.contains("is not a loopback address and http.tokens names no token"))
        let bad = try await CXDProcess.run(["run", "--http-listen", "8787"], in: project.folder.path, timeout: 60)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--http-listen expects HOST:PORT"))
    }

    @Test func theCalendarCommandPrintsAWorkingFeedURL() async throws {
        let daemon = try await WebDaemon(keeping: ["pos-checkout"])
        defer { Task { await daemon.stop() } }
        _ = await CXDProcess.waitFor(timeout: 120) { notifications(daemon.project).contains("pos-checkout/run-1/assigned-1@log") }
        let printed = try await CXDProcess.run(["calendar", "hung", "-c", daemon.project.configPath], in: daemon.project.folder.path)
        #expect(printed.status == 0, "\(printed.stderr)")
        let url = printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix("http://127.0.0.1:0/calendar/hung.ics?token="), "the configured (file's) public URL: \(url)")
        let path = String(url.dropFirst("http://127.0.0.1:0".count))
        let feed = try await daemon.request("GET", path)
        #expect(feed.status == 200)
        #expect(feed.headers["content-type"]?.hasPrefix("text/calendar") == true)
        #expect(feed.body.contains("BEGIN:VEVENT\r\nUID:step-pos-checkout-cycle1-scope@"))
        let revoked = try await CXDProcess.run(["calendar", "hung", "--revoke", "-c", daemon.project.configPath], in: daemon.project.folder.path)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try await daemon.request("GET", path).status == 404)
        let fresh = String(revoked.stdout.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("http://127.0.0.1:0".count))
        #expect(try await daemon.request("GET", fresh).status == 200)
    }
}
