import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXStore
import Foundation

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the notifications waiting for delivery, delivered, or dead; send dead ones again.",
        subcommands: [OutboxList.self, OutboxRetry.self], defaultSubcommand: OutboxList.self)
}

struct OutboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List outbox messages (pending and dead by default), oldest first, with how many match in all.")

    enum Filter: String, ExpressibleByArgument, CaseIterable {
        case pending, dead, delivered, undelivered, all
    }

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "pending, dead, delivered, undelivered (pending and dead) or all.") var status: Filter = .undelivered
    @Option(help: "At most this many rows (the oldest first).") var limit: Int = 200

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    var statuses: [OutboxMessage.Status] {
        switch status {
        case .pending: [.pending]
        case .dead: [.dead]
        case .delivered: [.delivered]
        case .undelivered: [.pending, .dead]
        case .all: []
        }
    }

    func run() async throws {
        let engine = try CommandContext.openEngine(options, creation: .readOnly)
        let zone = engine.configuration.defaultTimeZone
        let statuses = self.statuses
        let limit = self.limit
        try await CommandContext.reporting {
            let page = try await engine.store.read { tx in try tx.outboxPage(statuses: statuses, limit: limit) }
            let messages = page.messages
            if output.json {
                print(try Format.json(OutboxListing(total: page.total, shown: messages.count, messages: messages.map(OutboxSummary.init))))
                return
            }
            let rows = messages.map { message -> [Table.Cell] in
                let color: Table.Color? = switch message.status {
                case .dead: .red
                case .pending: message.attempts > 0 ? .yellow : nil
                case .delivered: .dim
                }
                let error = message.lastError.map { $0.count > 60 ? String($0.prefix(59)) + "…" : $0 } ?? ""
                return [
                    Table.Cell(String(message.id ?? 0)), Table.Cell(message.status.rawValue, color), Table.Cell(message.kind),
                    Table.Cell(message.recipient), Table.Cell(message.notifier), Table.Cell(String(message.attempts)),
                    Table.Cell(message.status == .pending ? Format.time(message.nextAttemptAt, in: zone) : "-"),
                    Table.Cell(error),
                ]
            }
            print(Table(headers: ["ID", "STATUS", "KIND", "TO", "VIA", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"], rows: rows).render())
            if messages.count < page.total {
                print("\nshowing \(messages.count) of \(page.total) message(s), oldest first (use --limit or --status to see more)  (times in \(zone.identifier))")
            } else {
                print("\n\(messages.count) message(s)  (times in \(zone.identifier))")
            }
        }
    }
}

/// The JSON shape of `cxd outbox --json`: how many messages match, how many are shown, and
/// those (oldest first).
struct OutboxListing: Encodable {
    var total: Int
    var shown: Int
    var messages: [OutboxSummary]
}

struct OutboxRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send a dead (or waiting) message again now, or every dead message with --dead.",
        discussion: "The message keeps its attempt count and creation time; its maximum age (delivery.max_age) and its backoff start afresh now.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The message id (from `cxd outbox`).") var id: Int64?
    @Flag(help: "Every dead message.") var dead = false

    func validate() throws {
        guard (id == nil) != (!dead) else { throw ValidationError("give a message ID or --dead, not both") }
    }

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        try await CommandContext.reporting {
            if let id {
                try await engine.retryMessage(id, at: options.instant)
                print("message \(id) queued again")
            } else {
                print("\(try await engine.retryDeadMessages(at: options.instant)) dead message(s) queued again")
            }
        }
        await CommandContext.wakeDaemons(engine)
    }
}
