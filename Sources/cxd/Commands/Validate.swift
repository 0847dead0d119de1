import ArgumentParser
import CXConfig
import CXNotifiers
import CXCore
import CXStore
import Foundation

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every YAML file and report all problems at once.",
        discussion: """
            Loads the main configuration and every people, workflow and initiative file it names, \
            builds every notifier (reading its secrets and compiling its templates, sending \
            nothing), and prints each problem as path:line:column: message, then how many there \
            are. Writes nothing. Exits 0 when the configuration is valid, 65 when it is not.
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        // Builds every notifier too (connecting nowhere): unreadable secrets and broken
        // templates are reported with the YAML's problems.
        let configuration = try CommandContext.loadConfiguration(options, initiatives: .all, checkingNotifiers: true)
        let steps = configuration.workflows.values.map(\.steps.count).reduce(0, +)
        print(
            "\(options.config): OK — \(configuration.workflows.count) workflow(s) with \(steps) steps, "
                + "\(configuration.people.count) people, \(configuration.initiatives.count) initiative(s), "
                + "\(configuration.notifiers.count) notifier(s)")
    }
}
