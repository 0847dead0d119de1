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

    /// Opens a follow-up for `answer`, owned by `owner`, due `due` after `now`. The owner is
    /// told once per import (see `openedNotice`), not once per answer.
    public static func open(
        id: Int64, initiative: InitiativeID, round: Int, cycle: Int, answer: FollowUpNotice, owner: PersonID,
        due: WorkDuration, at now: Date, context: InitiativeContext
    ) -> FollowUp {
        let zone = context.people[owner]?.zone ?? context.defaultTimeZone
        let dueAt = context.calendar.deadline(from: now, lasting: due, in: zone)
        let run = StepRun(
            number: Int(id), stepID: "followup:\(answer.touchpoint ?? "general")", cycle: cycle, owner: owner,
            startedAt: now, dueAt: dueAt)
        return FollowUp(id: id, initiative: initiative, round: round, answer: answer, run: run)
    }

    /// One notice telling `owner` about the follow-ups just opened for them.
    public static func openedNotice(_ followUps: [FollowUp], owner: PersonID, at now: Date) -> Notice? {
        guard let first = followUps.first else { return nil }
        return Notice(
            key: "\(first.initiative)/followups-\(first.id)/opened-\(owner)", kind: .followUpOpened,
            initiative: first.initiative, step: first.run.stepID, cycle: first.run.cycle, run: first.run.number,
            recipient: owner, owner: owner, level: nil, sequence: followUps.count,
            dueAt: followUps.map(\.run.dueAt).min() ?? now, scheduledAt: now,
            survey: SurveyNotice(
                round: first.round, trigger: "follow-up", touchpoints: Array(Set(followUps.compactMap(\.answer.touchpoint))).sorted(),
                questions: [], opensAt: now, closesAt: nil, quota: nil, minimumSample: 0, followUps: followUps.map(\.answer)))
    }

    /// Follow-ups use the workflow's default ladder without "due soon" reminders: the opening
    /// notice already says when they are due.
    static func policy(_ context: InitiativeContext) -> ReminderPolicy {
        var policy = context.workflow.defaultReminders
        policy.before = []
        return policy
    }

    /// Sends the reminders that are due (the workflow's default policy).
    public mutating func advance(at now: Date, context: InitiativeContext) -> [Effect] {
        guard isOpen else { return [] }
        return ReminderLadder.send(
            &run, policy: Self.policy(context), context: context, at: now, initiative: initiative, keyPrefix: keyPrefix)
    }

    public func nextWake(context: InitiativeContext) -> Date? {
        guard isOpen else { return nil }
        return ReminderSchedule(run: run, policy: Self.policy(context), context: context).upcoming.first?.deliverAt
    }
}
