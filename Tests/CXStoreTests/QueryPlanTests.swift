@testable import CXStore
import CXTestSupport
import Foundation
import GRDB
import Testing

/// The queries behind `status ID`, `survey show` and every evaluation reach their rows through
/// an index, so that their cost follows what they read, not the length of the history.
/// SQLite's own query planner is the witness.
@Suite("Query plans: history-bounded reads use their indexes")
struct QueryPlanTests {
    let folder = TemporaryDirectory("cxd-plans")

    func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
        let path = folder.file("cxd.sqlite")
        _ = try Store(path: path)
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }.joined(separator: "\n")
    }

    @Test func theLastEntryOfOneKindIsFoundThroughTheKindIndex() throws {
        let plan = try plan(StoreTransaction.lastEventSQL, ["pos", "cycle.evaluated"])
        #expect(plan.contains("USING INDEX event_kind (initiative=? AND kind=?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func metricsCountInitiativesFromTheStepIndexAlone() throws {
        let counts = try plan(StoreTransaction.phaseCountsSQL, [])
        #expect(counts.contains("USING COVERING INDEX initiative_step"), "\(counts)")
        #expect(!counts.contains("TEMP B-TREE"), "\(counts)")
        let overdue = try plan(StoreTransaction.overdueCountSQL, ["2026-12-01 00:00:00.000"])
        #expect(overdue.contains("USING COVERING INDEX initiative_step (phase=?)"), "\(overdue)")
    }

    @Test func aPersonsOpenStepsAndFollowUpsAreFoundThroughTheirOwnerIndexes() throws {
        let steps = try plan("SELECT id, title, phase, dueAt FROM initiative WHERE 1 = 1 AND phase = ? AND owner = ? ORDER BY id LIMIT ?", ["active", "hung", 500])
        #expect(steps.contains("INDEX initiative_owner (owner=? AND phase=?)") && !steps.contains("TEMP B-TREE"), "\(steps)")
        let followUps = try plan("SELECT state FROM followUp WHERE owner = ? AND open = 1 ORDER BY id LIMIT ?", ["hung", 500])
        #expect(followUps.contains("USING INDEX followUp_owner (owner=? AND open=?)"), "\(followUps)")
    }

    @Test func followUpCountsReadOnlyTheIndex() throws {
        let plan = try plan(StoreTransaction.followUpCountsSQL, ["pos"])
        #expect(plan.contains("USING COVERING INDEX followUp_initiative (initiative=?)"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func openFollowUpsOfOneInitiativeAreFoundThroughTheIndex() throws {
        let plan = try plan("SELECT state FROM followUp WHERE 1 = 1 AND initiative = ? AND open = 1 ORDER BY id", ["pos"])
        #expect(plan.contains("USING INDEX followUp_") && plan.contains("(initiative=?"), "\(plan)")
        #expect(!plan.contains("SCAN followUp\n") && !plan.hasSuffix("SCAN followUp"), "\(plan)")
    }

    @Test func anEvaluationFindsTheFollowUpsDueThroughTheWakeIndex() throws {
        let due = try plan(StoreTransaction.dueFollowUpsSQL, ["pos", "2026-12-01 00:00:00.000"])
        #expect(due.contains("USING INDEX followUp_wake (initiative=? AND nextWakeAt<?)"), "\(due)")
        let next = try plan(StoreTransaction.nextFollowUpWakeSQL, ["pos"])
        #expect(next.contains("USING COVERING INDEX followUp_wake"), "\(next)")
    }
}
