import Foundation

/// A task to get back to an unhappy customer (a detractor's answer on a touchpoint): owned by
/// the touchpoint's owner, with its own deadline, reminded and escalated by the same ladder as
/// steps (the workflow's default reminder policy).
public struct FollowUp: Codable, Sendable, Equatable {
    /// The id of the response it follows up (one follow-up per response).
    public var id: Int64
    public var initiative: InitiativeID
    public var round: Int
    public var answer: FollowUpNotice
    /// Owner, deadline and reminder progress; its step is `followup:<touchpoint>`.
    public var run: StepRun
    public var closedAt: Date?
    public var closedBy: String?
    public var note: String?

    public init(id: Int64, initiative: InitiativeID, round: Int, answer: FollowUpNotice, run: StepRun) {
        self.id = id
        self.initiative = initiative
        self.round = round
        self.answer = answer
        self.run = run
    }

    public var isOpen: Bool { closedAt == nil }

    /// Keys of its notices: `<initiative>/followup-<id>/…`.
    public var keyPrefix: String { "\(initiative)/followup-\(id)" }

    /// Opens a follow-up for `answer`, owned by `owner`, due `due` after `now`.
    public static func open(
        id: Int64, initiative: InitiativeID, round: Int, cycle: Int, answer: FollowUpNotice, owner: PersonID,
        due: WorkDuration, at now: Date, context: InitiativeContext
    ) -> (FollowUp, Notice) {
        let zone = context.people[owner]?.zone ?? context.defaultTimeZone
        let dueAt = context.calendar.deadline(from: now, lasting: due, in: zone)
        let run = StepRun(
            number: Int(id), stepID: "followup:\(answer.touchpoint ?? "general")", cycle: cycle, owner: owner,
            startedAt: now, dueAt: dueAt)
        let followUp = FollowUp(id: id, initiative: initiative, round: round, answer: answer, run: run)
        let notice = Notice(
            key: "\(followUp.keyPrefix)/opened", kind: .followUpOpened, initiative: initiative, step: run.stepID,
            cycle: cycle, run: run.number, recipient: owner, owner: owner, level: nil, sequence: 1, dueAt: dueAt,
            scheduledAt: now,
            survey: SurveyNotice(
                round: round, trigger: "follow-up", touchpoints: answer.touchpoint.map { [$0] } ?? [], questions: [],
                opensAt: now, closesAt: nil, quota: nil, minimumSample: 0, followUp: answer))
        return (followUp, notice)
    }

    /// Sends the reminders that are due (the workflow's default policy).
    public mutating func advance(at now: Date, context: InitiativeContext) -> [Effect] {
        guard isOpen else { return [] }
        return ReminderLadder.send(
            &run, policy: context.workflow.defaultReminders, context: context, at: now, initiative: initiative,
            keyPrefix: keyPrefix)
    }

    public func nextWake(context: InitiativeContext) -> Date? {
        guard isOpen else { return nil }
        return ReminderSchedule(run: run, policy: context.workflow.defaultReminders, context: context).upcoming.first?.deliverAt
    }
}
