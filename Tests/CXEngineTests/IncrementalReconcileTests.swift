#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
import CXEngine
import CXStore
import CXTestSupport
import Foundation
import Testing

/// The daemon and the commands read the initiative files that changed since the last
/// reconcile, not all of them; the configuration's fingerprint decides when everything is
/// computed again.
@Suite("Reconcile reads what changed")
struct IncrementalReconcileTests {
    let start = instant("2026-11-24T02:00:00Z")

    @Test func anUnchangedFileIsNotReadAgainAndAChangedOneIs() async throws {
        let project = try TestProject()
        try await project.engine(initiatives: .none).reconcile(at: start)

        // Same size, same modification time, other contents: a reconcile cannot tell, so it
        // must not have read the file (if it did, this would be an error).
        let path = project.folder.file("config/initiatives/pos-checkout.yaml")
        let kept = try UnseenEdit.breakKeepingSizeAndTime(path)
        let quiet = try await project.engine(initiatives: .none).reconcile(at: start.addingTimeInterval(60))
        #expect(quiet.transitions == 0)

        // A new modification time: read again, and the broken file is reported at its place.
        try UnseenEdit.setModificationTime(of: path, to: timespec(tv_sec: kept.tv_sec + 5, tv_nsec: 0))
        await #expect {
            try await project.engine(initiatives: .none).reconcile(at: start.addingTimeInterval(120))
        } throws: { error in
            "\(error)".contains("config/initiatives/pos-checkout.yaml:2:1:") && "\(error)".contains("invalid YAML")
        }
    }

    @Test func aRemovedFileArchivesItsInitiativeARenamedOneKeepsIt() async throws {
        let project = try TestProject()
        let engine = try project.engine(initiatives: .none)
        try await engine.reconcile(at: start)
        let manager = FileManager.default
        try manager.moveItem(
            atPath: project.folder.file("config/initiatives/onboarding-nps.yaml"),
            toPath: project.folder.file("config/initiatives/renamed.yaml"))
        try manager.removeItem(atPath: project.folder.file("config/initiatives/support-effort.yaml"))
        try await project.engine(initiatives: .none).reconcile(at: start.addingTimeInterval(60))

        let phases = Dictionary(
            uniqueKeysWithValues: try await engine.statusReport(at: start.addingTimeInterval(60)).initiatives.map { ($0.id, $0.phase) })
        #expect(phases["support-effort"] == "archived")
        #expect(phases["onboarding-nps"] != "archived")
        #expect(phases["pos-checkout"] != "archived")
        let sources = try await engine.store.read { tx in try tx.initiativeSources() }
        #expect(sources.first { $0.initiative == "onboarding-nps" }?.path.hasSuffix("config/initiatives/renamed.yaml") == true)
        #expect(!sources.contains { $0.initiative == "support-effort" })
    }

    @Test func onlyAChangedConfigurationMakesEveryInitiativeDue() async throws {
        let project = try TestProject()
        let engine = try project.engine(initiatives: .none)
        try await engine.reconcile(at: start)
        try await engine.evaluate(at: start)
        let later = start.addingTimeInterval(60)
        let due = { try engine.store.read { tx in try tx.dueInitiatives(at: later, limit: 100) } }
        #expect(try due().isEmpty)

        // Started again with the same files: nothing is due before its time.
        try await project.engine(initiatives: .none).reconcile(at: later)
        #expect(try due().isEmpty)

        // A person's file changed: every wake is computed again.
        try project.edit("config/people.yaml") { $0 + "\n# edited\n" }
        try await project.engine(initiatives: .none).reconcile(at: later)
        #expect(try due().count == 3)
    }

    @Test func aNewFileClaimingAnExistingIdIsReportedAtItsIdLine() async throws {
        let project = try TestProject()
        try await project.engine(initiatives: .none).reconcile(at: start)
        try FileManager.default.copyItem(
            atPath: project.folder.file("config/initiatives/pos-checkout.yaml"),
            toPath: project.folder.file("config/initiatives/zz-copy.yaml"))
        await #expect {
            try await project.engine(initiatives: .none).reconcile(at: start.addingTimeInterval(60))
        } throws: { error in
            let text = "\(error)"
            return text.contains("zz-copy.yaml:") && text.contains("duplicate initiative id 'pos-checkout' (also declared in")
        }
    }

    @Test func theStatusTableComesFromStoredColumns() async throws {
        let project = try TestProject()
        let engine = try project.engine(initiatives: .none)
        try await engine.reconcile(at: start)
        try await engine.evaluate(at: start)
        let report = try await engine.statusReport(at: instant("2026-12-02T02:00:00Z"))
        let pos = try #require(report.initiatives.first { $0.id == "pos-checkout" })
        #expect(pos.phase == "active")
        #expect(pos.step == "scope")
        #expect(pos.owner == "hung")
        #expect(pos.stepTitle != nil)
        #expect(pos.nextReminderAt != nil)
        #expect(pos.overdueBy == 142_200)  // opened at its start, Monday 23 Nov 08:30: due Monday 30 17:30

        // A completed step moves the stored columns with it.
        try await engine.reconcile("pos-checkout", at: start.addingTimeInterval(3600))
        try await engine.apply(.complete(step: nil, by: "hung", note: nil), to: "pos-checkout", at: start.addingTimeInterval(3600))
        let after = try await engine.statusReport(at: start.addingTimeInterval(3600))
        #expect(after.initiatives.first { $0.id == "pos-checkout" }?.step == "journey")
    }
}
