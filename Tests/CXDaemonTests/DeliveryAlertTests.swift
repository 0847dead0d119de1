#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
@testable import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// Operators hear about outages: a notifier failing for longer than `delivery.alert_after`, its
/// recovery, and messages gone dead, aggregated; never one alert per message.
@Suite("Delivery alerts: failing, recovered, dead letters")
struct DeliveryAlertTests {
    let start = instant("2026-12-07T02:00:00Z")  // Monday 09:00 in Hanoi: retries run in working hours

    // MARK: - The episode state machine alone

    @Test func failuresAlertOnceAfterAlertAfterAndARecoveryIsReported() {
        var health = NotifierHealth(notifier: "mail")
        func failed(_ minutes: Double) -> [HealthAlert] {
            health.record(
                BatchVerdict(failed: 2, lastError: "SMTP: connection refused", at: start.addingTimeInterval(minutes * 60)),
                alertAfter: 900)
        }
        #expect(failed(0).isEmpty)
        #expect(failed(10).isEmpty)
        #expect(failed(16) == [.failing(since: start, lastError: "SMTP: connection refused")])
        #expect(failed(40).isEmpty, "one alert per episode")
        let back = start.addingTimeInterval(45 * 60)
        #expect(health.record(BatchVerdict(delivered: 1, at: back), alertAfter: 900) == [.recovered(since: start)])
        #expect(health.failingSince == nil)
        // A short hiccup later is not worth an alert, nor is its end.
        #expect(failed(50).isEmpty)
        #expect(health.record(BatchVerdict(delivered: 1, at: start.addingTimeInterval(52 * 60)), alertAfter: 900).isEmpty)
    }

    @Test func deadMessagesAreReportedAtOnceThenAtMostOncePerAlertAfter() {
        var health = NotifierHealth(notifier: "mail")
        func dead(_ count: Int, at minutes: Double) -> [HealthAlert] {
            health.record(
                BatchVerdict(failed: count, dead: count, lastError: "too old", at: start.addingTimeInterval(minutes * 60)),
                alertAfter: 900)
        }
        #expect(dead(3, at: 0) == [.deadLetters(count: 3, number: 1, lastError: "too old")])
        #expect(dead(1, at: 5).isEmpty)
        #expect(dead(2, at: 10).isEmpty)
        #expect(health.deadLettersDue(alertAfter: 900) == start.addingTimeInterval(900))
        // Nothing else happens: the report comes when due.
        #expect(health.reportDeadLetters(at: start.addingTimeInterval(14 * 60), alertAfter: 900) == nil)
        #expect(health.reportDeadLetters(at: start.addingTimeInterval(900), alertAfter: 900)
            == .deadLetters(count: 3, number: 2, lastError: "too old"))
        #expect(health.deadLettersDue(alertAfter: 900) == nil)
    }

    @Test func anOutcomeIsDecidedFromTheMomentItWasKnown() {
        var settings = DeliverySettings()
        settings.firstRetry = .seconds(60)
        settings.maximumAge = .seconds(3600)
        let policy = RetryPolicy(settings)
        var message = OutboxMessage(
            key: "k", initiative: nil, kind: "step.overdue", notifier: "hook", recipient: "mai", payload: Data(), createdAt: start)
        message.attempts = 4
        // Sent again by hand at +50 min after four attempts: backoff and age start afresh there.
        let due = DueMessage(message: message, ageStartedAt: start.addingTimeInterval(3000), attemptsSinceRetry: 0)
        let failedAt = start.addingTimeInterval(3300)
        #expect(OutcomeChange.decide(.retry(reason: "HTTP 503", after: nil), for: due, at: failedAt, policy: policy, random: 0.5)
            == .retry(error: "HTTP 503", at: failedAt.addingTimeInterval(60)))
        #expect(OutcomeChange.decide(.retry(reason: "HTTP 429", after: .seconds(600)), for: due, at: failedAt, policy: policy, random: 0.5)
            == .retry(error: "HTTP 429", at: failedAt.addingTimeInterval(600)))
        let old = DueMessage(message: message)
        #expect(OutcomeChange.decide(.retry(reason: "HTTP 503", after: nil), for: old, at: failedAt, policy: policy, random: 0.5)
            == .dead(error: "HTTP 503 (given up: older than delivery.max_age)"))
        #expect(OutcomeChange.decide(.endpointGone(reason: "HTTP 410"), for: due, at: failedAt, policy: policy, random: 0.5)
            == .waitForEnable(error: "HTTP 410"))
        #expect(OutcomeChange.decide(.notAttempted, for: due, at: failedAt, policy: policy, random: 0.5) == .notSent)
    }

    @Test func everyDeliveryAlertRendersThroughTheBuiltInTemplates() throws {
        let project = try TestProject(keeping: ["pos-checkout"])
        try project.edit("config/cxd.yaml") {
            $0.replacingOccurrences(of: "routes:\n  default: [log]", with: """
                routes:
                  default: [log]
                operators:
                  people: [mai, thao]
                  notifiers: [log]
                """)
        }
        let configuration = try project.configuration()
        let alerts = OperatorAlert.notifierDisabled("hook", reason: "HTTP 410", configuration: configuration, at: start)
            + OperatorAlert.notifierFailing("hook", since: start, lastError: "refused", configuration: configuration, at: start)
            + OperatorAlert.notifierRecovered("hook", since: start, configuration: configuration, at: start)
            + OperatorAlert.deadLetters("hook", count: 3, number: 1, lastError: nil, configuration: configuration, at: start)
        #expect(alerts.count == 8)
        for alert in alerts {
            let payload = try NotificationPayload.decoder.decode(NotificationPayload.self, from: alert.payload)
            let rendered = MessageTemplates.builtIn.render(payload, zone: configuration.defaultTimeZone)
            #expect(rendered.subject == payload.subject)
            #expect(rendered.text == payload.text + "\n")
        }
    }

    // MARK: - The real loop, a refusing endpoint, the controllable clock

    @Test func aRefusingEndpointAlertsOnceThenItsDeadMessagesAreReportedTogether() async throws {
        let delivery = try DeliveryProject(
            notifiers: """
                  hook:
                    type: webhook
                    url: http://127.0.0.1:\(closedPort())/hooks/cxd
                    sign: false
                    timeout: 2s
                """,
            delivery: """
                delivery:
                  first_retry: 1m
                  longest_retry: 4m
                  alert_after: 15m
                  max_age: 1h
                  urgent: [notifier.failing, notifier.dead_letters, notifier.recovered]
                """,
            operators: """
                operators:
                  people: [mai]
                  notifiers: [hook, log]
                """)
        let running = try await delivery.run(["a@hook", "b@hook", "c@hook"], notifier: "hook", at: start)
        let (engine, time) = (running.engine, running.time)
        func alerts(_ kind: String) -> [NotificationPayload] {
            ((try? delivery.project.notifications()) ?? []).filter { $0.kind == kind }
        }

        let failing = await advance(time, by: .seconds(60), steps: 40) { !alerts("notifier.failing").isEmpty }
        #expect(failing)
        let told = time.now.timeIntervalSince(start)
        #expect(told >= 900 && told <= 900 + 240 + 60, "told after \(told) s")
        #expect(alerts("notifier.failing").count == 1)
        #expect(alerts("notifier.failing").first?.recipient.id == "mai")

        let dead = await advance(time, by: .seconds(60), steps: 90) { !alerts("notifier.dead_letters").isEmpty }
        #expect(dead)
        #expect(await eventually {
            (try? engine.store.read { tx in try tx.messages(status: .dead) }.count) == 3
        })
        // The three died together: one report names them all.
        #expect(alerts("notifier.dead_letters").count == 1)
        #expect(alerts("notifier.dead_letters").first?.subject.hasPrefix("3 ") == true)
        #expect(alerts("notifier.failing").count == 1)
        try await running.stop()

        // A restart on the same store repeats none of them.
        try await delivery.dispatcher(for: engine, time: time).drain(at: time.now)
        #expect(alerts("notifier.failing").count == 1)
        #expect(alerts("notifier.dead_letters").count == 1)
    }
}

/// A loopback port nobody listens on: connections to it are refused.
func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socket in
            bind(fd, socket, length) == 0 && getsockname(fd, socket, &length) == 0
        }
    }
    precondition(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}
