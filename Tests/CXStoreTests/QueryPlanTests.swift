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
