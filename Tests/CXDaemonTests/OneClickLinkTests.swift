import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// One-click links in reminders: signed, bound to the initiative, the step run, the action and
/// the recipient, expiring, single-use; looking at one changes nothing.
@Suite("One-click links from reminders")
struct OneClickLinkTests {
    static let publicURL = "https://cxd.example.com"

    /// The example project with the HTTP service configured, started on Monday 23 November.
    static func started() async throws -> (TestProject, Simulation) {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") { $0 + "\nhttp:\n  listen: 127.0.0.1:8787\n  public_url: \(publicURL)/\n" }
        var sim = try await Simulation(project: project, start: hanoi("2026-11-23T08:30"))
        try await sim.evaluateOnce(at: hanoi("2026-11-23T08:30"))
        return (project, sim)
    }

    static func token(_ url: String?) throws -> String {
        let url = try #require(url)
        #expect(url.hasPrefix(publicURL + "/a/"))
        return String(url.dropFirst((publicURL + "/a/").count))
    }

    @Test func theOwnersReminderCarriesEveryActionAndAManagersNotDone() async throws {
        var (project, sim) = try await Self.started()
        let started = try #require(try project.notifications().first { $0.kind == "step.started" })
        let links = try #require(started.reminder?.links)
        #expect(started.recipient.id == "hung")
        #expect(links.done != nil && links.acknowledge != nil && links.snoozeDay != nil && links.snoozeWeek != nil)
        #expect(started.text.contains("Hoàn thành: \(links.done!)"))
        // Thursday 3 December: hung's manager mai gets the level-2 escalation; she may
        // acknowledge or snooze it, not complete hung's step.
        try await sim.evaluateOnce(at: hanoi("2026-12-03T08:30"))
        let escalation = try #require(try project.notifications().first { $0.kind == "step.escalated" && $0.recipient.id == "mai" })
        let managers = try #require(escalation.reminder?.links)
        #expect(managers.done == nil)
        #expect(managers.acknowledge != nil)
        // The HTML part of an email shows them as buttons.
        let html = MessageTemplates.builtIn.render(escalation, zone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!).html
        #expect(html.contains("href=\"\(managers.acknowledge!)\""))
        #expect(!html.contains("Hoàn thành</a>"))
    }

    @Test func aLinkActsOnceAsItsRecipientAndSaysSoInTheAuditLog() async throws {
        let (project, sim) = try await Self.started()
        let started = try #require(try project.notifications().first { $0.kind == "step.started" })
        let done = try Self.token(started.reminder?.links?.done)
        let engine = sim.engine
        let now = hanoi("2026-11-24T10:00")

        // Looking (the confirmation page; a mail scanner's GET) writes nothing.
        let before = try await engine.history(of: "pos-checkout").count
        let preview = try await engine.preview(link: done, at: now)
        #expect(preview.link.action == .done)
        #expect(preview.link.recipient == "hung")
        #expect(preview.stepTitle == "Xác định mục tiêu và phạm vi")
        _ = try await engine.preview(link: done, at: now)
        #expect(try await engine.history(of: "pos-checkout").count == before)
        #expect(try await engine.detail(of: "pos-checkout", at: now).status.step == "scope")

        // Acting completes the step as hung, via the link.
        try await engine.use(link: done, at: now)
        let status = try await engine.detail(of: "pos-checkout", at: now).status
        #expect(status.step == "journey")
        let completed = try #require(try await engine.history(of: "pos-checkout").last { $0.entry.kind == "step.completed" })
        #expect(completed.entry.actor == "hung")
        #expect(completed.entry.details["via"] == "link")

        // A second use is refused and changes nothing (the run it was for closed with the
        // first use: that is what the page says).
        await #expect {
            try await engine.use(link: done, at: now)
        } throws: { error in
            guard case WebRefusal.linkSuperseded = error else { return false }
            return true
        }
        #expect(try await engine.detail(of: "pos-checkout", at: now).status.step == "journey")

        // The other links of that reminder are for the closed run: superseded, not acted on.
        let acknowledge = try Self.token(started.reminder?.links?.acknowledge)
        await #expect(throws: WebRefusal.linkSuperseded(try ActionLink.verify(acknowledge, signer: try await engine.linkSigner().derived("links"), at: now))) {
            try await engine.use(link: acknowledge, at: now)
        }
    }

    @Test func aUsedLinkIsRefusedWhileItsRunIsStillOpen() async throws {
        let (project, sim) = try await Self.started()
        let started = try #require(try project.notifications().first { $0.kind == "step.started" })
        let snooze = try Self.token(started.reminder?.links?.snoozeDay)
        let engine = sim.engine
        let now = hanoi("2026-11-24T10:00")
        try await engine.use(link: snooze, at: now)
        let snoozed = try #require(try await engine.history(of: "pos-checkout").last { $0.entry.kind == "reminder.snoozed" })
        #expect(snoozed.entry.actor == "hung")
        #expect(snoozed.entry.details["via"] == "link")
        await #expect {
            try await engine.use(link: snooze, at: now.addingTimeInterval(60))
        } throws: { error in
            guard case WebRefusal.linkUsed = error else { return false }
            return true
        }
        await #expect {
            _ = try await engine.preview(link: snooze, at: now.addingTimeInterval(60))
        } throws: { error in
            guard case WebRefusal.linkUsed = error else { return false }
            return true
        }
    }

    @Test func tamperedAndExpiredLinksAreRefused() async throws {
        let (project, sim) = try await Self.started()
        let started = try #require(try project.notifications().first { $0.kind == "step.started" })
        let done = try Self.token(started.reminder?.links?.done)
        let engine = sim.engine
        // Another action under the same signature: the message part changed.
        let parts = done.split(separator: ".")
        let message = String(decoding: try #require(Base64URL.decode(parts[0])), as: UTF8.self)
        let forged = Base64URL.encode(Array(message.replacingOccurrences(of: "|done|", with: "|snooze-1w|").utf8)) + "." + parts[1]
        for token in [forged, String(done.dropLast(3)), "garbage", done + "x", ""] {
            await #expect {
                try await engine.use(link: token, at: hanoi("2026-11-24T10:00"))
            } throws: { error in
                guard case WebRefusal.linkInvalid = error else { return false }
                return true
            }
        }
        // Links live 14 days by default.
        await #expect {
            try await engine.use(link: done, at: hanoi("2026-12-07T08:31"))
        } throws: { error in
            guard case WebRefusal.linkExpired = error else { return false }
            return true
        }
        #expect(try await engine.detail(of: "pos-checkout", at: hanoi("2026-12-07T08:31")).status.step == "scope")
    }

    @Test func aPersonMayActOnlyOnTheirOwnStep() async throws {
        let (_, sim) = try await Self.started()
        let engine = sim.engine
        let now = hanoi("2026-11-24T10:00")
        await #expect {
            try await engine.act(.acknowledge, on: "pos-checkout", as: .person("lan"), via: "api", at: now)
        } throws: { error in
            guard case WebRefusal.notYourStep(_, let owner, let person) = error else { return false }
            return owner == "hung" && person == "lan"
        }
        try await engine.act(.snooze(.days(1)), on: "pos-checkout", as: .person("hung"), via: "api", at: now)
        try await engine.act(.complete(step: nil, note: "agreed"), on: "pos-checkout", as: .admin, via: "api", at: now)
        let completed = try #require(try await engine.history(of: "pos-checkout").last { $0.entry.kind == "step.completed" })
        #expect(completed.entry.actor == "admin")
        #expect(completed.entry.details["via"] == "api")
    }
}
