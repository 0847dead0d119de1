#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation

@main
struct CXD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cxd",
        abstract: "Keeps customer-experience improvement initiatives moving through their cycle.",
        discussion: """
            Every initiative runs a workflow (by default the eight-step CX cycle: scope, journey, \
            touchpoints, insight, prioritize, design, monitor, re-survey, then back to insight). \
            cxd gives each step an owner and a deadline, reminds and escalates, and records \
            everything in an audit log. Definitions live in YAML (config/, workflows/); progress \
            lives in a SQLite database.

            Exit status: 0 success, 1 runtime failure (database, lock, I/O), 2 usage error, \
            65 invalid input data (configuration errors, or a request the state does not allow).
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Validate.self, Run.self, Status.self, Complete.self, Reopen.self, Pause.self, Resume.self,
            Acknowledge.self, Snooze.self, History.self, Plan.self, Outbox.self, Notify.self, Routes.self,
            Survey.self, Followups.self, Journey.self, CalendarFeedCommand.self, Database.self,
        ]
    )

    /// Parses and runs like ArgumentParser's own `main`, but with the documented exit
    /// statuses: usage errors exit 2 (ArgumentParser's default is 64). Help goes to stdout.
    static func main() async {
        // A receiver that closes its end early (an exec plugin that does not read its input, a
        // peer gone mid-write) must be an error on that write, never the end of cxd.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            // Help, --version and completion scripts are output, not errors: stdout, exit 0
            // (`cxd --help | less`), as ArgumentParser's own `exit(withError:)` does.
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            if code == .validationFailure {
                if !message.contains("--help") { FileHandle.standardError.write(Data("See 'cxd --help'.\n".utf8)) }
                Foundation.exit(2)
            }
            Foundation.exit(code.rawValue)
        }
    }
}
