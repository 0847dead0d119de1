import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
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
        abstract: "List outbox messages (pending and dead by default), newest last.")

    enum Filter: String, ExpressibleByArgument, CaseIterable {
        case pending, dead, delivered, undelivered, all
    }

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "pending, dead, delivered, undelivered (pending and dead) or all.") var status: Filter = .undelivered
    @Option(help: "At most this many rows.") var limit: Int = 200

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        let zone = engine.configuration.defaultTimeZone
        try await CommandContext.reporting {
            var messages: [OutboxMessage]
            switch status {
            case .pending: messages = try engine.outbox(status: .pending, limit: limit)
            case .dead: messages = try engine.outbox(status: .dead, limit: limit)
            case .delivered: messages = try engine.outbox(status: .delivered, limit: limit)
            case .all: messages = try engine.outbox(status: nil, limit: limit)
            case .undelivered:
                messages = try engine.outbox(status: .pending, limit: limit) + engine.outbox(status: .dead, limit: limit)
                messages.sort { ($0.id ?? 0) < ($1.id ?? 0) }
            }
            if output.json {
                print(try Format.json(messages.map(OutboxLine.init)))
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
            print("\n\(messages.count) message(s)  (times in \(zone.identifier))")
        }
    }
}

/// The JSON shape of an outbox row (the payload itself is left out; see the file notifier).
struct OutboxLine: Encodable {
    var id: Int64?
    var key: String
    var status: String
    var kind: String
    var recipient: String
    var notifier: String
    var attempts: Int
    var createdAt: Date
    var nextAttemptAt: Date
    var deliveredAt: Date?
    var lastError: String?

    init(_ message: OutboxMessage) {
        id = message.id
        key = message.key
        status = message.status.rawValue
        kind = message.kind
        recipient = message.recipient
        notifier = message.notifier
        attempts = message.attempts
        createdAt = message.createdAt
        nextAttemptAt = message.nextAttemptAt
        deliveredAt = message.deliveredAt
        lastError = message.lastError
    }
}

struct OutboxRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send a dead (or waiting) message again now, or every dead message with --dead.")

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
                try engine.retryMessage(id, at: options.instant)
                print("message \(id) queued again")
            } else {
                print("\(try engine.retryDeadMessages(at: options.instant)) dead message(s) queued again")
            }
        }
        DaemonLock.wakeDaemon(database: engine.configuration.databasePath)
    }
}
