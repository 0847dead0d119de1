import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every initiative, or one in detail.",
        discussion: """
            Without an ID: a table of all initiatives (phase, cycle, open step, owner, due time, \
            how long overdue, last reminder) and the delivery health of the outbox. With an ID: \
            the detail with the timeline of step runs. Reads the database only; works while the \
            daemon runs.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "An initiative to show in detail.") var initiative: String?

    func run() async throws {
        let engine: Engine
        switch try CommandContext.openOverview(options) {
        case .stored(let stored):
            engine = stored
        case .declared(let all):
            // No daemon has run yet: what the YAML declares, from the YAML (nothing is created).
            try await CommandContext.reporting {
                let report = Engine.unregisteredReport(all, at: options.instant)
                if let initiative {
                    guard let status = report.initiatives.first(where: { $0.id == initiative }) else {
                        throw EngineError.unknownInitiative(initiative, known: all.initiatives.keys.sorted())
                    }
                    let detail = InitiativeDetail(status: status, runs: [], recentEvents: [], surveys: nil)
                    print(output.json ? try Format.json(detail) : StatusPrinter.detail(detail, configuration: all, zone: all.defaultTimeZone))
                } else {
                    print(output.json ? try Format.json(report) : StatusPrinter.table(report, zone: all.defaultTimeZone))
                }
            }
            return
        }
        let zone = engine.configuration.defaultTimeZone
        try await CommandContext.reporting {
            if let initiative {
                let detail = try await engine.detail(of: initiative, at: options.instant)
                print(output.json ? try Format.json(detail) : StatusPrinter.detail(detail, configuration: engine.configuration, zone: zone))
            } else {
                let report = try await engine.statusReport(at: options.instant)
                print(output.json ? try Format.json(report) : StatusPrinter.table(report, zone: zone))
            }
        }
    }
}
