import ArgumentParser
import CXCore
import Foundation

/// Options every command that reads the configuration accepts.
struct GlobalOptions: ParsableArguments {
    /// Where a project keeps its main configuration file.
    static let defaultConfig = "config/cxd.yaml"

    @Option(name: [.short, .long], help: "The main configuration file.")
    var config: String = GlobalOptions.defaultConfig

    @Option(
        help: ArgumentHelp(
            "Act as if it were this instant (ISO 8601, e.g. 2026-12-01T09:00:00Z) instead of the clock.",
            valueName: "instant"),
        transform: { text in
            guard let date = Timestamp.parse(text) else {
                throw ValidationError("--now expects an ISO 8601 instant such as 2026-12-01T09:00:00Z, got '\(text)'")
            }
            return date
        })
    var now: Date?

    var instant: Date { now ?? Date() }
}

struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of a table.")
    var json = false
}

/// Who performs a change, for the audit log.
struct ActorOption: ParsableArguments {
    @Option(name: .customLong("by"), help: ArgumentHelp("Who performs the change (default: $CXD_ACTOR, else $USER).", valueName: "name"))
    var actor: String?

    var name: String {
        if let actor { return actor }
        let environment = ProcessInfo.processInfo.environment
        return environment["CXD_ACTOR"] ?? environment["USER"] ?? "cli"
    }
}
