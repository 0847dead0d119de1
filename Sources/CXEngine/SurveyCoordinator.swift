import CXConfig
import CXCore
import CXStore
import Foundation

/// The survey side of one initiative inside a store transaction: loads its rounds and their
/// tallies into a `SurveyMachine`, stores the machine's effects (rounds, audit entries,
/// follow-ups) and returns the notices to send. Every decision is the machine's.
struct SurveyCoordinator {
    let configuration: Configuration
    let tx: StoreTransaction
    let now: Date

    struct Outcome {
        var notices: [Notice] = []
        var nextWake: Date?
    }

    /// The survey machine of `state`, with every round and its answers' tallies; nil when the
    /// initiative has no survey.
    func machine(_ state: InitiativeState, context: InitiativeContext) throws -> SurveyMachine? {
        guard let settings = context.definition.survey else { return nil }
        let rounds = try tx.rounds(of: state.id)
        var tallies: [Int: ResponseTally] = [:]
        for round in rounds { tallies[round.number] = try tx.tally(round: round.number, of: state.id).overall }
        return SurveyMachine(settings: settings, context: context, state: state, rounds: rounds, tallies: tallies)
    }

    /// Stores `effects` for `initiative` and returns the notices they ask for.
    func store(_ effects: [SurveyMachine.Effect], initiative: InitiativeID) throws -> [Notice] {
        var notices: [Notice] = []
        for effect in effects {
            switch effect {
            case .save(let round):
                try tx.save(round)
            case .record(let entry):
                try tx.record(entry, initiative: initiative)
            case .notify(let notice):
                notices.append(notice)
            case .announce(var notice, let cap):
                if let cap {
                    notice.survey?.excludeRespondents = try tx.frequentRespondents(
                        of: initiative, since: cap.since, rounds: cap.rounds)
                }
                notices.append(notice)
            }
        }
        return notices
    }

    /// What a person's action means for the surveys of `state` (before the action is applied).
    func handle(_ action: InitiativeEvent, _ state: InitiativeState, context: InitiativeContext) throws -> [Notice] {
        guard var machine = try machine(state, context: context), let event = machine.event(for: action) else { return [] }
        return try store(machine.handle(event, at: now), initiative: state.id)
    }

    /// Whatever is due for `state`'s surveys and follow-ups at `now`.
    func advance(_ state: InitiativeState, context: InitiativeContext) throws -> Outcome {
        var outcome = Outcome()
        if var machine = try machine(state, context: context) {
            outcome.notices += try store(machine.handle(.advance, at: now), initiative: state.id)
            outcome.nextWake = machine.nextWake()
        }
        // Only the follow-ups with a reminder due; the others wait in the index.
        for var followUp in try tx.dueFollowUps(of: state.id, at: now) {
            let effects = followUp.advance(at: now, context: context)
            try tx.save(followUp, nextWake: followUp.nextWake(context: context))
            for case .record(let entry) in effects { try tx.record(entry, initiative: state.id) }
            outcome.notices += effects.notices
        }
        if let wake = try tx.nextFollowUpWake(of: state.id) {
            outcome.nextWake = min(outcome.nextWake ?? wake, wake)
        }
        return outcome
    }
}
