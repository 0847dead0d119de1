import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import Foundation

struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try a notifier, or put one disabled by a gone endpoint back in service.",
        subcommands: [NotifyTest.self, NotifyEnable.self])
}

struct NotifyTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test message through one notifier now and report the result.",
        discussion: "Nothing is queued: the message goes straight to the notifier. Exits 0 when it was delivered, 1 when not.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The notifier's name in cxd.yaml.") var name: String
    @Option(help: "Who receives it (default: the first operator, else the first person).") var to: String?

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        let configuration = engine.configuration
        let person = to ?? configuration.operators.people.first ?? configuration.people.keys.sorted().first ?? ""
        let message = try await CommandContext.reporting {
            try engine.testMessage(notifier: name, to: person, at: options.instant)
        }
        let notifiers = try CommandContext.makeNotifiers(configuration.notifiers.filter { $0.name == name })
        guard let notifier = notifiers[name] else { throw ExitStatus.runtimeFailure }
        switch await notifier.deliver(message.delivery) {
        case .delivered:
            print("delivered through '\(name)' to \(person)")
        case .retry(let reason, _):
            CommandContext.printError("cxd: not delivered (temporary failure, would be retried): \(reason)")
            throw ExitStatus.runtimeFailure
        case .failed(let reason), .endpointGone(let reason):
            CommandContext.printError("cxd: not delivered (permanent failure): \(reason)")
            throw ExitStatus.runtimeFailure
        case .notAttempted:
            CommandContext.printError("cxd: not delivered (the notifier did not try)")
            throw ExitStatus.runtimeFailure
        }
    }
}

struct NotifyEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Put a notifier disabled after its endpoint answered 410 Gone back in service.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The notifier's name in cxd.yaml.") var name: String

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        try await CommandContext.reporting {
            await print(try engine.enableNotifier(name) ? "notifier '\(name)' enabled; its waiting messages go out now" : "notifier '\(name)' was not disabled")
        }
        await CommandContext.wakeDaemons(engine)
    }
}
