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

    /// When a follow-up opened now for `owner` is due: `due` of working time in their zone.
    public static func dueAt(owner: PersonID, lasting due: WorkDuration, at now: Date, context: InitiativeContext) -> Date {
        let zone = context.people[owner]?.zone ?? context.defaultTimeZone
        return context.calendar.deadline(from: now, lasting: due, in: zone)
    }

    /// Opens a follow-up for `answer`, owned by `owner`, due at `dueAt` (see
    /// `dueAt(owner:lasting:at:context:)`: the same for every follow-up an import opens for one
    /// owner). The owner is told once per import (see `openedNotice`), not once per answer.
    public static func open(
        id: Int64, initiative: InitiativeID, round: Int, cycle: Int, answer: FollowUpNotice, owner: PersonID,
        dueAt: Date, at now: Date
    ) -> FollowUp {
        let run = StepRun(
            number: Int(id), stepID: "followup:\(answer.touchpoint ?? "general")", cycle: cycle, owner: owner,
            startedAt: now, dueAt: dueAt)
        return FollowUp(id: id, initiative: initiative, round: round, answer: answer, run: run)
    }

    /// At most this many follow-ups are listed in a `followup.opened` notice; the count and
    /// `cxd followups --initiative ID` cover the rest.
    public static let noticeListLimit = 20
    /// Bytes of respondent ids and comments a notice may list in all. They appear twice in the
    /// payload (the answers and the text rendered from them) and JSON escapes a quote, slash or
    /// backslash into two bytes: 4 × 4,000 plus the rest stays under the 20 kB that Standard
    /// Webhooks advises.
    static let noticeListBudget = 4_000
    /// A comment longer than this (UTF-8 bytes) is shortened in the notice, never in the store.
    static let noticeCommentBytes = 160
    static let noticeRespondentBytes = 80

    /// One notice telling `owner` about the `count` follow-ups just opened for them, listing
    /// the first ones (`first`, at most `noticeListLimit` and `noticeListBudget` bytes, long
    /// comments shortened with "…"); the rest are counted, not listed.
    public static func openedNotice(first: [FollowUp], count: Int, owner: PersonID, at now: Date) -> Notice? {
        guard let head = first.first else { return nil }
        var listed: [FollowUpNotice] = []
        var bytes = 0
        for followUp in first.prefix(noticeListLimit) {
            var answer = followUp.answer
            answer.respondent = excerpt(answer.respondent, bytes: noticeRespondentBytes)
            answer.comment = answer.comment.map { excerpt($0, bytes: noticeCommentBytes) }
            bytes += answer.respondent.utf8.count + (answer.comment?.utf8.count ?? 0) + (answer.touchpoint?.utf8.count ?? 0)
            guard listed.isEmpty || bytes <= noticeListBudget else { break }
            listed.append(answer)
        }
        return Notice(
            key: "\(head.initiative)/followups-\(head.id)/opened-\(owner)", kind: .followUpOpened,
            initiative: head.initiative, step: head.run.stepID, cycle: head.run.cycle, run: head.run.number,
            recipient: owner, owner: owner, level: nil, sequence: count,
            dueAt: first.map(\.run.dueAt).min() ?? now, scheduledAt: now,
            survey: SurveyNotice(
                round: head.round, trigger: "follow-up", touchpoints: Array(Set(first.compactMap(\.answer.touchpoint))).sorted(),
                questions: [], opensAt: now, closesAt: nil, quota: nil, minimumSample: 0, followUps: listed,
                followUpCount: count))
    }

    /// `text` cut to at most `bytes` UTF-8 bytes at a character boundary, with "…" when cut;
    /// control characters (line breaks included) become spaces, so a notice stays one line per
    /// answer and its JSON never grows by escapes.
    static func excerpt(_ text: String, bytes limit: Int) -> String {
        let isControl = { (character: Character) in character.unicodeScalars.contains { $0.properties.generalCategory == .control } }
        let clean = text.contains(where: isControl) ? String(text.map { isControl($0) ? " " : $0 }) : text
        guard clean.utf8.count > limit else { return clean }
        var result = ""
        var used = 0
        for character in clean {
            let size = character.utf8.count
            guard used + size <= limit - 3 else { break }
            result.append(character)
            used += size
        }
        return result + "…"
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
