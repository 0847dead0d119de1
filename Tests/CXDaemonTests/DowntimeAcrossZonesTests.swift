import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// Issue 10, items 1–4 end to end: three initiatives whose first steps open in three time zones
/// (Hanoi, London, New York) around New Year's Day (a holiday) and a weekend, while cxd is down
/// for two weeks. Every message's delivery instant is checked.
@Suite("Downtime across a weekend and a holiday, in three time zones")
struct DowntimeAcrossZonesTests {
    let lastRun = instant("2026-12-30T00:00:00Z")  // before every start
    let back = instant("2027-01-13T12:00:00Z")  // Wednesday: 19:00 Hanoi, 12:00 London, 07:00 New York

    func project() throws -> TestProject {
        let project = try TestProject()
        // pos-checkout (hung, Hanoi) starts on New Year's Day, a Friday and a holiday;
        // onboarding-nps (david, London) on Thursday 31 December;
        // support-effort (priya, New York, as its sponsor here) on Saturday 2 January.
        try project.edit("config/initiatives/pos-checkout.yaml") { $0.replacingOccurrences(of: "start: 2026-11-23", with: "start: 2027-01-01") }
        try project.edit("config/initiatives/onboarding-nps.yaml") { $0.replacingOccurrences(of: "start: 2026-12-07", with: "start: 2026-12-31") }
        try project.edit("config/initiatives/support-effort.yaml") {
            $0.replacingOccurrences(of: "start: 2027-01-11", with: "start: 2027-01-02")
                .replacingOccurrences(of: "sponsor: david", with: "sponsor: priya")
        }
        return project
    }

    @Test func everyMessageWaitsForItsRecipientsDayAndEveryMissedReminderIsListed() async throws {
        let project = try project()
        let configuration = try project.configuration()
        // What would have been sent had cxd been running: the plan from the last run.
        let planned = try Engine.plan(configuration, from: lastRun, until: back)
        var sim = try await Simulation(project: project, start: lastRun)
        try await sim.evaluateOnce(at: lastRun)
        #expect(try project.notifications().isEmpty, "nothing has started yet")
        try await sim.evaluateOnce(at: back)

        // 1, 2: each first step opened at its owner's first working morning on or after its
        // start date, whenever cxd found it; deadlines count from there (5bd, end of the day).
        let starts = try await sim.engine.store.read { tx in
            try ["pos-checkout", "onboarding-nps", "support-effort"].map { id in try tx.stepRuns(of: id).first }
        }
        #expect(starts.map { $0.map { Timestamp.iso($0.startedAt) } } == [
            "2027-01-04T01:30:00Z",  // Monday 4 January 08:30 in Hanoi (Friday a holiday, then the weekend)
            "2026-12-31T08:30:00Z",  // Thursday 31 December 08:30 in London
            "2027-01-04T13:30:00Z",  // Monday 4 January 08:30 in New York (Saturday)
        ])
        #expect(starts.map { $0.map { Timestamp.iso($0.dueAt) } } == [
            "2027-01-11T10:30:00Z",  // Monday 11 January 17:30 Hanoi
            "2027-01-08T17:30:00Z",  // Friday 8 January 17:30 London (1 January off)
            "2027-01-11T22:30:00Z",  // Monday 11 January 17:30 New York
        ])

        // 3: nothing went out at a time its recipient does not work: every message waits for
        // the recipient's working hours.
        let outbox = try await sim.engine.store.read { tx in try tx.messages() }
        #expect(!outbox.isEmpty)
        for message in outbox {
            let zone = configuration.people[message.recipient]?.zone ?? configuration.defaultTimeZone
            let local = configuration.calendar.deliveryTime(atOrAfter: message.nextAttemptAt, in: zone)
            #expect(local == message.nextAttemptAt, "\(message.key) to \(message.recipient) at \(Timestamp.iso(message.nextAttemptAt))")
            #expect(message.nextAttemptAt >= back)
        }
        let firstAttempt = Dictionary(grouping: outbox, by: \.recipient).mapValues { Set($0.map { Timestamp.iso($0.nextAttemptAt) }) }
        #expect(firstAttempt["hung"] == ["2027-01-14T01:30:00Z"])  // 19:00 in Hanoi: Thursday 08:30
        #expect(firstAttempt["david"] == ["2027-01-13T12:00:00Z"])  // 12:00 in London: now
        #expect(firstAttempt["priya"] == ["2027-01-13T13:30:00Z"])  // 07:00 in New York: 08:30

        // 4: every reminder the plan had for the downtime is in exactly one digest item, with
        // its scheduled time; the step starts went out as themselves.
        let payloads = try outbox.map { try NotificationPayload.decoder.decode(NotificationPayload.self, from: $0.payload) }
        let listed = payloads.filter { $0.kind == "reminder.digest" }.flatMap { digest in
            (digest.items ?? []).map { "\($0.initiative) L\($0.level ?? -1) \(digest.recipient.id) \(Timestamp.iso($0.scheduledAt))" }
        }
        let expected = planned.filter { $0.level != nil && $0.at <= back }.map {
            "\($0.initiative) L\($0.level!) \($0.recipient!) \(Timestamp.iso($0.at))"
        }
        #expect(expected.count == 13)  // due soon, overdue and one escalation, across the three
        #expect(listed.sorted() == expected.sorted())
        #expect(payloads.filter { $0.kind == "step.started" }.map(\.recipient.id).sorted() == ["david", "hung", "priya"])
        #expect(payloads.allSatisfy { $0.kind == "reminder.digest" || $0.kind == "step.started" })
    }
}
