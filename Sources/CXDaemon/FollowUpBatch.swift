import CXCore
import CXStore
import Foundation

/// The follow-ups one import opens, written as it goes: each owner's count and first few
/// answers are kept for their `followup.opened` notice, never the whole list.
struct FollowUpBatch {
    let initiative: InitiativeID
    let round: Int
    let cycle: Int
    let settings: SurveySettings
    let now: Date
    /// Per owner: how many were opened and the first `FollowUp.noticeListLimit` of them.
    private var owners: [PersonID: (count: Int, first: [FollowUp])] = [:]
    /// Per owner: when their follow-ups are due (the same for every one of this import).
    private var due: [PersonID: Date] = [:]
    private(set) var opened = 0

    init(initiative: InitiativeID, round: Int, cycle: Int, settings: SurveySettings, at now: Date) {
        self.initiative = initiative
        self.round = round
        self.cycle = cycle
        self.settings = settings
        self.now = now
    }

    /// Opens and stores the follow-up of the answer stored as `responseID`, with its audit entry.
    mutating func open(_ responseID: Int64, answer: NewResponse, owner: PersonID, context: InitiativeContext, tx: StoreTransaction) throws {
        let dueAt: Date
        if let known = due[owner] {
            dueAt = known
        } else {
            dueAt = FollowUp.dueAt(owner: owner, lasting: settings.followUpDue, at: now, context: context)
            due[owner] = dueAt
        }
        let notice = FollowUpNotice(
            id: responseID, touchpoint: answer.touchpoint, respondent: answer.respondent, score: answer.score,
            comment: answer.comment, emotion: answer.emotion)
        let followUp = FollowUp.open(
            id: responseID, initiative: initiative, round: round, cycle: cycle, answer: notice, owner: owner, dueAt: dueAt,
            at: now)
        try tx.save(followUp)
        try tx.record(
            AuditEntry(
                kind: "followup.opened", at: now, step: followUp.run.stepID, cycle: cycle,
                details: ["id": String(responseID), "owner": owner, "respondent": answer.respondent]),
            initiative: initiative)
        opened += 1
        var entry = owners[owner] ?? (0, [])
        entry.count += 1
        if entry.first.count < FollowUp.noticeListLimit { entry.first.append(followUp) }
        owners[owner] = entry
    }

    /// One `followup.opened` notice per owner, by owner.
    func notices() -> [Notice] {
        owners.sorted { $0.key < $1.key }.compactMap { owner, entry in
            FollowUp.openedNotice(first: entry.first, count: entry.count, owner: owner, at: now)
        }
    }
}
