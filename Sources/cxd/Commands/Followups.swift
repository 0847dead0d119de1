import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXStore
import Foundation

struct Followups: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow-up tasks opened by unhappy customers' answers.",
        subcommands: [FollowupsList.self, FollowupsClose.self], defaultSubcommand: FollowupsList.self)
}

struct FollowupsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List follow-ups (open ones by default).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this initiative.") var initiative: String?
    @Flag(help: "Closed ones too.") var all = false

    func run() async throws {
        let engine = try CommandContext.openEngine(options, creation: .readOnly)
        let zone = engine.configuration.defaultTimeZone
        try await CommandContext.reporting {
            let items = try await engine.followUps(of: initiative, openOnly: !all)
            if output.json {
                print(try Format.json(items))
                return
            }
            let now = options.instant
            let rows = items.map { item -> [Table.Cell] in
                let overdue = item.isOpen && item.run.dueAt < now
                return [
                    Table.Cell(String(item.id)), Table.Cell(item.initiative), Table.Cell(item.answer.touchpoint ?? "-"),
                    Table.Cell(item.answer.respondent), Table.Cell(item.answer.score.map(String.init) ?? "-"),
                    Table.Cell(engine.configuration.people[item.run.owner]?.name ?? item.run.owner),
                    Table.Cell(Format.time(item.run.dueAt, in: zone), overdue ? .red : nil),
                    Table.Cell(item.isOpen ? "open" : "closed \(Format.time(item.closedAt, in: zone))"),
                    Table.Cell(item.answer.comment ?? ""),
                ]
            }
            print(Table(headers: ["ID", "INITIATIVE", "TOUCHPOINT", "RESPONDENT", "SCORE", "OWNER", "DUE", "STATE", "COMMENT"], rows: rows).render())
        }
    }
}

struct FollowupsClose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a follow-up: the customer was contacted.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The follow-up id.") var id: Int64
    @Option(help: "What was done: kept in the audit log.") var note: String?

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        try await CommandContext.reporting {
            let item = try await engine.closeFollowUp(id, by: actor.name, note: note, at: options.instant)
            print("follow-up \(item.id) closed")
        }
        await CommandContext.wakeDaemons(engine)
    }
}
