import ArgumentParser
import CXConfig
import CXNotifiers
import CXCore
import CXDaemon
import CXStore
import Foundation

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every YAML file and report all problems at once.",
        discussion: """
            Loads the main configuration and every people, workflow and initiative file it names, \
            and prints each problem as path:line:column: message. Writes nothing. Exits 0 when \
            the configuration is valid, 65 when it is not.
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try CommandContext.loadConfiguration(options, initiatives: .all)
        // Builds every notifier too: unreadable secrets and broken templates are found now.
        _ = try CommandContext.makeNotifiers(configuration.notifiers)
        let steps = configuration.workflows.values.map(\.steps.count).reduce(0, +)
        print(
            "\(options.config): OK — \(configuration.workflows.count) workflow(s) with \(steps) steps, "
                + "\(configuration.people.count) people, \(configuration.initiatives.count) initiative(s), "
                + "\(configuration.notifiers.count) notifier(s)")
    }
}
