import CXNotifiers
import CXTestSupport
import Foundation
import Testing

extension OneProcessAtATime {
    /// Workflow titles given in one language only: the other language falls back to it (issue 10).
    @Suite("Titles in one language", .serialized)
    struct OneLanguageTitleTests {
        @Test func aVietnameseOnlyWorkflowValidatesAndEnglishReadersGetItsTitles() async throws {
            let project = try TestProject(keeping: ["onboarding-nps"])
            let workflow = try #require(try FileManager.default.contentsOfDirectory(atPath: project.folder.file("workflows")).first)
            try project.edit("workflows/\(workflow)") { text in
                text.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("en: ") }
                    .joined(separator: "\n")
            }
            #expect(try !project.folder.read("workflows/\(workflow)").contains("en: "))
            let validate = try await CXDProcess.run(["validate"], in: project.folder.path)
            #expect(validate.status == 0, "\(validate.stderr)")

            let once = try await CXDProcess.run(["run", "--once", "--now", "2026-12-07T09:00:00Z"], in: project.folder.path)
            #expect(once.status == 0, "\(once.stderr)")
            let started = try #require(try project.notifications().first { $0.kind == "step.started" })
            #expect(started.recipient.locale == "en")
            #expect(started.reminder?.stepTitle == "Xác định mục tiêu và phạm vi")
            #expect(started.subject.contains("Xác định mục tiêu và phạm vi"), "\(started.subject)")
        }
    }
}
