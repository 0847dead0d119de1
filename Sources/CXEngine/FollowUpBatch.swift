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
    /// Per owner: when their follow-ups' first reminder is due.
    private var wakes: [PersonID: Date?] = [:]
    private(set) var opened = 0

    init(initiative: InitiativeID, round: Int, cycle: Int, settings: SurveySettings, at now: Date) {
        self.initiative = initiative
        self.round = round
        self.cycle = cycle
        self.settings = settings
        self.now = now
    }

    /// Opens and stores the follow-up `machine` decides the answer stored as `responseID`
    /// calls for, if any, with its audit entry.
    mutating func open(_ responseID: Int64, answer: NewResponse, machine: SurveyMachine, tx: StoreTransaction) throws {
        let response = SurveyResponse(
            respondent: answer.respondent, score: answer.score, touchpoint: answer.touchpoint, emotion: answer.emotion)
        guard let (followUp, entry) = machine.followUp(
            for: SurveyMachine.Answer(id: responseID, response: response, comment: answer.comment), round: round,
            dueAt: { owner in
                if let known = due[owner] { return known }
                let dueAt = FollowUp.dueAt(owner: owner, lasting: settings.followUpDue, at: now, context: machine.context)
                due[owner] = dueAt
                return dueAt
            }, at: now)
        else { return }
        // Every follow-up of one owner in one import has the same run times: one schedule each.
        let wake: Date?
        if let known = wakes[followUp.run.owner] {
            wake = known
        } else {
            wake = followUp.nextWake(context: machine.context)
            wakes[followUp.run.owner] = .some(wake)
        }
        try tx.save(followUp, nextWake: wake)
        try tx.record(entry, initiative: initiative)
        opened += 1
        let owner = followUp.run.owner
        var listed = owners[owner] ?? (0, [])
        listed.count += 1
        if listed.first.count < FollowUp.noticeListLimit { listed.first.append(followUp) }
        owners[owner] = listed
    }

    /// One `followup.opened` notice per owner, by owner.
    func notices() -> [Notice] {
        owners.sorted { $0.key < $1.key }.compactMap { owner, entry in
            FollowUp.openedNotice(first: entry.first, count: entry.count, owner: owner, at: now)
        }
    }
}
