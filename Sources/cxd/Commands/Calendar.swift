import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

struct CalendarFeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Print a person's calendar-feed URL (their open deadlines, as iCalendar).",
        discussion: """
            Subscribe to the URL in any calendar app: it lists the person's open steps and \
            follow-ups at their deadlines and follows them as they move. The URL holds a token \
            of that person's own; --revoke makes every URL given out before stop working and \
            prints the new one. Needs `http:` in cxd.yaml (the URL starts with http.public_url).
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The person (an id of people.yaml).") var person: String
    @Flag(help: "Stop every earlier URL of this person and print a new one.") var revoke = false

    func run() async throws {
        let configuration = try CommandContext.loadConfiguration(options)
        guard let http = configuration.http else {
            CommandContext.printError(
                "cxd: calendar feeds are served by the HTTP service: add an `http:` section to \(options.config) "
                    + "(listen: 127.0.0.1:8787, public_url: https://cxd.example.com)")
            throw ExitStatus.dataError
        }
        guard configuration.people[person] != nil else {
            CommandContext.printError("cxd: no person '\(person)' (known: \(configuration.people.keys.sorted().joined(separator: ", ")))")
            throw ExitStatus.dataError
        }
        // The token is signed with the database's key (unless the configuration names one):
        // revoking writes, printing only reads.
        let engine = try CommandContext.openEngine(configuration, creation: revoke ? .mustExist : .readOnly)
        let token = try await CommandContext.reporting {
            revoke ? try await engine.revokeCalendar(of: person) : try await engine.calendarToken(of: person)
        }
        let escaped = token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? token
        print("\(http.publicURL)/calendar/\(person).ics?token=\(escaped)")
        if revoke { CommandContext.printError("cxd: earlier calendar URLs of \(person) no longer work") }
    }
}
