import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the audit log of an initiative, oldest first.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The initiative.") var initiative: String

    func run() async throws {
        let engine = try CommandContext.openEngine(options, creation: .readOnly)
        let zone = engine.configuration.defaultTimeZone
        try await CommandContext.reporting {
            let events = try await engine.history(of: initiative)
            if output.json {
                print(try Format.json(events.map(\.entry)))
                return
            }
            let rows = events.map { record -> [Table.Cell] in
                let entry = record.entry
                let details = entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                return [
                    Table.Cell(Format.time(entry.at, in: zone)), Table.Cell(entry.kind), Table.Cell(String(entry.cycle)),
                    Table.Cell(entry.step ?? "-"), Table.Cell(entry.actor ?? "cxd"), Table.Cell(details),
                ]
            }
            print(Table(headers: ["AT (\(zone.identifier))", "EVENT", "CYCLE", "STEP", "BY", "DETAILS"], rows: rows).render())
        }
    }
}
