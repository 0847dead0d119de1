import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

struct Routes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the routing of notifications.", subcommands: [RoutesTest.self])
}

struct RoutesTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Print which notifiers and recipients a notification would reach, without sending.",
        discussion: """
            For the initiative's open step (or its first step, if it has not started), lists each \
            recipient of the event (the owner; for escalations every level of the ladder) with \
            the notifiers chosen and why: the matching route rules, the recipient's preferred \
            notifiers, or the default route; and who gets a copy (the owner's manager on \
            escalations by an email notifier with cc_manager_on_escalation).
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "started, reassigned, due_soon, overdue or escalated (with or without the `step.` prefix).")
    var event: String
    @Option(help: "The initiative.") var initiative: String

    func validate() throws {
        guard Engine.eventKind(event) != nil else {
            throw ValidationError("--event must be one of \(Notice.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        // Read-only: the database is read if it exists, never created nor written.
        let overview = try CommandContext.openOverview(options)
        guard let kind = Engine.eventKind(event) else { throw ExitStatus.dataError }
        try await CommandContext.reporting {
            let report: RouteReport
            switch overview {
            case .stored(let engine):
                report = try await engine.routeReport(event: kind, initiative: initiative, at: options.instant)
            case .declared(let configuration):
                report = try Engine.routeReport(
                    event: kind, initiative: initiative, openRun: nil, configuration: configuration, at: options.instant)
            }
            if output.json {
                print(try Format.json(report))
                return
            }
            print("\(report.event) for \(report.initiative), step \(report.step):")
            if report.deliveries.isEmpty { print("  nobody: the step's policy has no such level") }
            for delivery in report.deliveries {
                let level = delivery.level.map { "level \($0)  " } ?? ""
                let address = delivery.email.map { " <\($0)>" } ?? ""
                print("  \(level)\(delivery.recipientName)\(address) via \(delivery.notifiers.joined(separator: ", ")) (\(delivery.because))")
                for copy in delivery.copies {
                    print("  \(String(repeating: " ", count: level.count))cc \(copy.name) <\(copy.email)> (the owner's manager) via \(copy.notifier)")
                }
            }
        }
    }
}
