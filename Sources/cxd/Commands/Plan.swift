import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry-run the workflows: what would happen, and to whom, if nobody acted.",
        discussion: """
            Runs the state machine forward from now (or --now) without writing anything, and \
            lists in time order every step start, deadline, reminder and escalation, with its \
            recipient. Use it to check a workflow before trusting it.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "How many days ahead.") var days: Int = 60
    @Option(help: "Only this initiative.") var initiative: String?

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be between 1 and 3660") }
    }

    func run() async throws {
        let start = options.instant
        let end = start.addingTimeInterval(TimeInterval(days) * 86_400)
        // Before the first run, the plan comes from the YAML alone; after, from the store's
        // states and definitions. Nothing is written either way.
        let overview = try CommandContext.openOverview(options)
        let configuration = overview.configuration
        let only = initiative
        try await CommandContext.reporting {
            let entries: [PlanEntry]
            switch overview {
            case .stored(let engine): entries = try await engine.plan(from: start, until: end, only: only)
            case .declared(let all): entries = try Engine.plan(all, from: start, until: end, only: only)
            }
            if output.json {
                print(try Format.json(entries.map(PlanLine.init)))
                return
            }
            let zone = configuration.defaultTimeZone
            let rows = entries.map { entry -> [Table.Cell] in
                let recipient = entry.recipient.map { configuration.people[$0]?.name ?? $0 } ?? "-"
                let color: Table.Color? = switch entry.kind {
                case "step.escalated": .red
                case "step.overdue", "step.deadline": .yellow
                default: nil
                }
                return [
                    Table.Cell(Format.time(entry.at, in: zone)), Table.Cell(entry.initiative), Table.Cell(entry.kind, color),
                    Table.Cell(entry.step), Table.Cell(String(entry.cycle)),
                    Table.Cell(entry.level.map(String.init) ?? "-"), Table.Cell(recipient),
                ]
            }
            print(Table(headers: ["AT (\(zone.identifier))", "INITIATIVE", "WHAT", "STEP", "CYCLE", "LEVEL", "TO"], rows: rows).render())
            print("\n\(entries.count) event(s) from \(Format.time(start, in: zone)) to \(Format.time(end, in: zone)) if nobody acts")
        }
    }
}

/// The JSON shape of a plan entry.
struct PlanLine: Encodable {
    var at: Date
    var initiative: String
    var kind: String
    var step: String
    var cycle: Int
    var recipient: String?
    var level: Int?

    init(_ entry: PlanEntry) {
        at = entry.at
        initiative = entry.initiative
        kind = entry.kind
        step = entry.step
        cycle = entry.cycle
        recipient = entry.recipient
        level = entry.level
    }
}
