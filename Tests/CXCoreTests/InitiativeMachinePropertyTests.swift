import CXCore
import Foundation
import PropertyBased
import Testing

@Suite("State machine invariants over random event sequences")
struct InitiativeMachinePropertyTests {
    /// Each number encodes one step of a story: `n % 10` picks the event, `n / 10` how many
    /// hours pass before it.
    static let stories = Gen.int(in: 0...999).array(of: 1...80)

    @Test func invariantsHoldWhateverPeopleDo() async {
        await propertyCheck(count: 300, input: Self.stories) { story in
            let complete = Fixture.context()
            let incomplete = Fixture.context(Fixture.definition(target: false))
            let reassigned = Fixture.context(Fixture.definition(roles: ["sponsor": "hung", "analyst": "lan"]))
            var machine = InitiativeMachine(state: InitiativeState(id: "pos"))
            var now = Fixture.date("2026-11-30T00:00:00Z")
            var keys = Set<String>()
            for code in story {
                now += TimeInterval(code / 10 * 3600)
                let before = machine
                let event: InitiativeEvent
                var context = complete
                switch code % 10 {
                case 0, 1, 2: event = .advance
                case 3: event = .complete(step: nil, by: "p", note: nil)
                case 4: event = .complete(step: nil, by: "p", note: nil); context = incomplete
                case 5: event = .reopen(step: ["scope", "insight", "design", "resurvey"][code % 4], by: "p", note: nil)
                case 6: event = code % 20 < 10 ? .pause(by: "p", note: nil) : .resume(by: "p")
                case 7: event = .acknowledge(by: "p")
                case 8: event = .snooze(until: now + TimeInterval(code % 7 * 86_400), by: "p")
                default: event = .definitionChanged; context = code % 20 < 10 ? reassigned : complete
                }
                do {
                    let effects = try machine.handle(event, at: now, in: context)
                    for notice in effects.notices {
                        #expect(!keys.contains(notice.key), "reminder key \(notice.key) emitted twice")
                        keys.insert(notice.key)
                    }
                    // The cycle only grows, and only when completing the step whose next loops back.
                    if machine.state.cycle != before.state.cycle {
                        #expect(machine.state.cycle == before.state.cycle + 1)
                        #expect(before.state.openRun?.stepID == "resurvey")
                        if case .complete = event {} else { Issue.record("cycle changed on \(event)") }
                    }
                } catch {
                    #expect(machine == before, "a refused event must leave the state unchanged")
                    if case TransitionError.requirementsMissing(_, _, let missing)? = error as? TransitionError {
                        #expect(missing == ["goal.target"])
                        #expect(before.state.openRun?.stepID == "scope")
                    }
                }
                // Refused completion of `scope` whenever its requirement is missing.
                if code % 10 == 4, before.state.phase == .active, before.state.openRun?.stepID == "scope" {
                    #expect(machine.state.openRun?.number == before.state.openRun?.number)
                }
                let state = machine.state
                let open = state.phase == .active || state.phase == .paused
                #expect(open == (state.openRun != nil), "exactly one open step per active initiative")
                if let run = state.openRun {
                    #expect(run.dueAt >= run.startedAt)
                    #expect(run.cycle == state.cycle)
                }
            }
        }
    }

    @Test func nextWakeIsNeverInThePastAfterAnAdvance() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...2000).array(of: 1...30)) { hours in
            let context = Fixture.context()
            var machine = InitiativeMachine(state: InitiativeState(id: "pos"))
            var now = Fixture.date("2026-11-30T00:00:00Z")
            for step in hours {
                now += TimeInterval(step * 3600)
                _ = try? machine.handle(.advance, at: now, in: context)
                if let wake = machine.nextWake(in: context) {
                    #expect(wake > now, "an advance at \(now) left work due at \(wake)")
                }
            }
        }
    }
}
