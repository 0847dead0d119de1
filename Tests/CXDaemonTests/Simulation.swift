import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXTestSupport
import Foundation

/// Runs the daemon's loop in simulated time: evaluates at every wake-up the engine asks for and
/// delivers the outbox after each, exactly as `cxd run` does, but with the clock in the test's
/// hands. Actions (complete, ack…) happen at the instants the test chooses.
struct Simulation {
    let project: TestProject
    private(set) var engine: Engine
    private(set) var dispatcher: Dispatcher
    private(set) var now: Date

    init(project: TestProject, start: Date) async throws {
        self.project = project
        engine = try project.engine()
        dispatcher = try project.dispatcher(for: engine)
        now = start
        try await engine.reconcile(at: start)
    }

    /// Lets time pass until `end`, waking whenever something is due.
    mutating func run(until end: Date) async throws {
        while true {
            let report = try await engine.evaluate(at: now)
            // Messages held for their recipient's working hours wake the dispatcher later.
            let delivery = try await dispatcher.drain(at: now)
            guard let next = [report.nextWake, delivery].compactMap({ $0 }).min(), next <= end else { break }
            now = next
        }
        now = max(now, end)
    }

    /// One evaluation and delivery at `instant`, as `cxd run --once --now` does; whatever
    /// fell due since the last one is found late.
    mutating func evaluateOnce(at instant: Date) async throws {
        now = instant
        try await engine.evaluate(at: instant)
        try await dispatcher.drain(at: instant)
    }

    mutating func act(_ event: InitiativeEvent, on id: InitiativeID = "pos-checkout", at instant: Date) async throws {
        try await run(until: instant)
        try await engine.apply(event, to: id, at: instant)
        try await dispatcher.drain(at: instant)
    }

    /// Closes every open follow-up of an initiative, as its owners would.
    func closeFollowUps(of id: InitiativeID = "pos-checkout", note: String? = nil, at instant: Date) async throws {
        for item in try await engine.followUps(of: id, openOnly: true) {
            _ = try await engine.closeFollowUp(item.id, by: item.run.owner, note: note, at: instant)
        }
    }

    /// Re-reads the YAML, as SIGHUP does.
    mutating func reload() async throws {
        engine = try project.engine()
        dispatcher = try project.dispatcher(for: engine)
        try await engine.reconcile(at: now)
        try await dispatcher.drain(at: now)
    }
}

extension NotificationPayload {
    /// `2026-12-01 08:30 step.overdue minh scope L1#2` in Hanoi time: compact for assertions.
    var line: String {
        guard let reminder else {
            let keys = (items ?? []).map { "\($0.step)/\($0.kind)" }.joined(separator: ",")
            return "\(localTime(createdAt)) \(kind) \(recipient.id) [\(keys)]"
        }
        let level = reminder.level.map { " L\($0)#\(reminder.sequence)" } ?? ""
        return "\(localTime(createdAt)) \(kind) \(recipient.id) \(reminder.step) c\(reminder.cycle)\(level)"
    }
}

/// `2026-12-01 08:30`, Hanoi time.
func localTime(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: date)
}
