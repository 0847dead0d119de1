import CXCore
import CXStore

// Temporary, until the store keeps tallies: counts a round's answers by loading them.
extension StoreTransaction {
    func tally(round: Int, of initiative: InitiativeID) throws -> RoundTally {
        RoundTally(try responses(round: round, of: initiative).map(\.response))
    }
}
