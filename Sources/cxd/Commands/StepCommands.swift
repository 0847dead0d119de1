import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

struct Complete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close the open step of an initiative and open the next one.",
        discussion: """
            Refused, with the list of what is missing, when the step's `requires:` paths are empty \
            in the initiative file. Completing the last step of a loop (re-survey) starts the next \
            cycle.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The initiative.") var initiative: String
    @Argument(help: "The step to complete; refused unless it is the open one (default: the open step).")
    var step: String?
    @Option(help: "Why, or what was agreed: kept in the audit log.") var note: String?

    func run() async throws {
        let engine = try await CommandContext.apply(.complete(step: step, by: actor.name, note: note), to: initiative, options: options)
        try await StatusPrinter.printSummaryLine(of: initiative, engine: engine, now: options.instant)
    }
}

struct Reopen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Go back to a step: closes the open step and opens the given one anew.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The initiative.") var initiative: String
    @Argument(help: "The step to reopen.") var step: String
    @Option(help: "Why: kept in the audit log.") var note: String?

    func run() async throws {
        let engine = try await CommandContext.apply(.reopen(step: step, by: actor.name, note: note), to: initiative, options: options)
        try await StatusPrinter.printSummaryLine(of: initiative, engine: engine, now: options.instant)
    }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Freeze an initiative: no reminders; on resume the deadline moves by the time paused.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The initiative.") var initiative: String
    @Option(help: "Why: kept in the audit log.") var note: String?

    func run() async throws {
        let engine = try await CommandContext.apply(.pause(by: actor.name, note: note), to: initiative, options: options)
        try await StatusPrinter.printSummaryLine(of: initiative, engine: engine, now: options.instant)
    }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused initiative.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The initiative.") var initiative: String

    func run() async throws {
        let engine = try await CommandContext.apply(.resume(by: actor.name), to: initiative, options: options)
        try await StatusPrinter.printSummaryLine(of: initiative, engine: engine, now: options.instant)
    }
}

struct Acknowledge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Stop the repeats of the current reminder level of an initiative's open step.",
        discussion: """
            The next escalation level still fires when its time comes; acknowledging only stops \
            the level that is repeating now.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The initiative.") var initiative: String

    func run() async throws {
        let engine = try await CommandContext.apply(.acknowledge(by: actor.name), to: initiative, options: options)
        try await StatusPrinter.printSummaryLine(of: initiative, engine: engine, now: options.instant)
    }
}

struct Snooze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause the reminders of an initiative's open step for a while (the deadline stays).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The initiative.") var initiative: String
    @Option(
        name: .customLong("for"), help: "How long: 4h, 2d, 1w, 3bd…",
        transform: { text in
            guard let duration = WorkDuration(parsing: text) else {
                throw ValidationError("--for expects a duration like 4h, 2d, 1w or 3bd, got '\(text)'")
            }
            return duration
        })
    var duration: WorkDuration

    func run() async throws {
        // Days and business days are counted in the owner's time zone and calendar.
        let opened = try CommandContext.openEngine(options)
        let configuration = opened.configuration
        let owner = try await CommandContext.reporting { try await opened.detail(of: initiative, at: options.instant).status.owner }
        let zone = owner.flatMap { configuration.people[$0]?.zone } ?? configuration.defaultTimeZone
        let until = configuration.calendar.moving(options.instant, by: duration, in: zone)
        let engine = try await CommandContext.apply(
            .snooze(until: until, by: actor.name), to: initiative, options: options, engine: opened)
        try await StatusPrinter.printSummaryLine(of: initiative, engine: engine, now: options.instant)
    }
}
