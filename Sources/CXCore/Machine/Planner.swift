import Foundation
import Synchronization

/// One thing that would happen if nobody acted: what `cxd plan` prints.
public struct PlanEntry: Sendable, Equatable {
    public var at: Date
    public var initiative: InitiativeID
    /// A notice kind (`step.overdue`…), or `step.deadline` when a due time passes.
    public var kind: String
    public var step: StepID
    public var cycle: Int
    public var recipient: PersonID?
    public var level: Int?

    public init(at: Date, initiative: InitiativeID, kind: String, step: StepID, cycle: Int, recipient: PersonID?, level: Int?) {
        self.at = at
        self.initiative = initiative
        self.kind = kind
        self.step = step
        self.cycle = cycle
        self.recipient = recipient
        self.level = level
    }
}

/// A dry run of the state machine: advances each initiative from wake-up to wake-up, exactly as
/// the scheduler would, and lists what happens. Nothing completes a step (nobody acts).
public enum Planner {
    ///
    /// - Parameter parallelism: how many threads simulate (each a share of the initiatives);
    ///   the result is the same whatever the number.
    public static func plan(
        _ initiatives: [(machine: InitiativeMachine, context: InitiativeContext)], from start: Date, until end: Date,
        limit: Int = 10_000, parallelism: Int = 1
    ) -> [PlanEntry] {
        var entries: [PlanEntry]
        if parallelism > 1, initiatives.count >= 2 * parallelism {
            let size = (initiatives.count + parallelism - 1) / parallelism
            let shares = stride(from: 0, to: initiatives.count, by: size).map {
                Array(initiatives[$0..<min($0 + size, initiatives.count)])
            }
            let results = Mutex([[PlanEntry]](repeating: [], count: shares.count))
            DispatchQueue.concurrentPerform(iterations: shares.count) { index in
                let share = simulate(shares[index], from: start, until: end, limit: limit)
                results.withLock { $0[index] = share }
            }
            entries = results.withLock { $0.flatMap { $0 } }
        } else {
            entries = simulate(initiatives, from: start, until: end, limit: limit)
        }
        return entries.sorted { ($0.at, $0.initiative, $0.level ?? -1) < ($1.at, $1.initiative, $1.level ?? -1) }
    }

    /// The entries of `initiatives`, in the order they were found.
    private static func simulate(
        _ initiatives: [(machine: InitiativeMachine, context: InitiativeContext)], from start: Date, until end: Date,
        limit: Int
    ) -> [PlanEntry] {
        var entries: [PlanEntry] = []
        for (initial, context) in initiatives {
            var machine = initial
            var now = start
            if let run = machine.state.openRun, run.dueAt > start, run.dueAt <= end {
                entries.append(deadline(of: run, initiative: machine.state.id))
            }
            var steps = 0
            while now <= end, steps < limit {
                steps += 1
                guard let effects = try? machine.handle(.advance, at: now, in: context) else { break }
                for effect in effects {
                    switch effect {
                    case .notify(let notice):
                        entries.append(PlanEntry(
                            at: now, initiative: notice.initiative, kind: notice.kind.rawValue, step: notice.step,
                            cycle: notice.cycle, recipient: notice.recipient, level: notice.level))
                    case .runOpened(let run) where run.dueAt > start && run.dueAt <= end:
                        entries.append(deadline(of: run, initiative: machine.state.id))
                    default:
                        continue
                    }
                }
                guard let wake = machine.nextWake(in: context), wake > now else { break }
                now = wake
            }
        }
        return entries
    }

    private static func deadline(of run: StepRun, initiative: InitiativeID) -> PlanEntry {
        PlanEntry(
            at: run.dueAt, initiative: initiative, kind: "step.deadline", step: run.stepID, cycle: run.cycle,
            recipient: run.owner, level: nil)
    }
}
