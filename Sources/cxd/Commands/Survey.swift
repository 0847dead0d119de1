#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
import CXStore
import Foundation

struct Survey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import survey answers and show a round's metrics.",
        subcommands: [SurveyImport.self, SurveyShowCommand.self])
}

struct SurveyImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import answers from CSV (header row) or JSON lines.",
        discussion: """
            Columns: respondent, timestamp, score, and optionally touchpoint, comment, emotion \
            (positive, neutral or negative). With no --round the answers go to the open round, \
            else the latest one, else a new ad-hoc round (baseline data). Every bad row is \
            reported with its line; by default a file with bad rows is refused whole and nothing \
            is written; --skip-invalid imports the good ones. A respondent already in the round \
            is ignored, so importing a file twice is harmless. Detractors on a touchpoint open \
            follow-up tasks.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The file (.csv, or .jsonl/.ndjson for JSON lines).") var file: String
    @Option(help: "The initiative.") var initiative: String
    @Option(help: "The round number (default: the open round, else the latest).") var round: Int?
    @Flag(help: "Import the good rows of a file with bad ones, and report the rest.") var skipInvalid = false

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        guard let data = FileManager.default.contents(atPath: file) else {
            CommandContext.printError("cxd: cannot read \(file)")
            throw ExitStatus.dataError
        }
        guard let text = String(data: data, encoding: .utf8) else {
            CommandContext.printError("cxd: \(file) is not UTF-8 text")
            throw ExitStatus.dataError
        }
        let showProgress = isatty(STDERR_FILENO) == 1
        let report = try await CommandContext.reporting {
            try await engine.reconcile(initiative, at: options.instant)
            return try await engine.importResponses(
                text, file: file, initiative: initiative, round: round, skipInvalid: skipInvalid, at: options.instant,
                progress: { done, total in
                    guard showProgress, total > 1000 else { return }
                    let width = 30
                    let filled = total == 0 ? width : width * done / total
                    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
                    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
                })
        }
        for line in report.skipped { CommandContext.printError("\(file):\(line.dropFirst("line ".count))") }
        var summary = "round \(report.round): \(report.imported) answer(s) imported, \(report.duplicates) already there"
        if !report.skipped.isEmpty { summary += ", \(report.skipped.count) bad row(s) skipped" }
        if report.followUpsOpened > 0 { summary += ", \(report.followUpsOpened) follow-up(s) opened" }
        if report.roundClosed { summary += "; quota reached, round closed" }
        if let early = report.earlyRound { summary += "; metric below the threshold, round \(early) requested early" }
        print(summary)
        DaemonLock.wakeDaemon(database: engine.configuration.databasePath)
    }
}

struct SurveyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Metrics of a round, overall and per touchpoint, with 95% intervals and the touchpoint ranking.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The initiative.") var initiative: String
    @Option(help: "The round number (default: the latest).") var round: Int?

    func run() async throws {
        let engine = try CommandContext.openEngine(options, creation: .readOnly)
        try await CommandContext.reporting {
            let show = try await engine.surveyShow(initiative, round: round)
            if output.json {
                print(try Format.json(show))
                return
            }
            let round = show.round
            print("\(initiative) — survey round \(round.number) (cycle \(round.cycle), \(round.trigger), \(round.status.rawValue))")
            let names = Dictionary(uniqueKeysWithValues: show.ranking.map { ($0.touchpoint, $0.name) })
            var rows: [[Table.Cell]] = [Self.row("overall", show.report.overall, show.report.overallEmotions, show.report.overallDetractors)]
            for breakdown in show.report.touchpoints {
                rows.append(Self.row(names[breakdown.touchpoint] ?? breakdown.touchpoint, breakdown.metric, breakdown.emotions, breakdown.detractors))
            }
            let metric = show.report.overall.kind.rawValue.uppercased()
            print(Table(headers: ["", metric, "95% CI", "N", "POS/NEU/NEG", "DETRACTORS"], rows: rows).render())
            print("\nTouchpoints to improve first (step 5):")
            let ranking = show.ranking.enumerated().map { index, rank -> [Table.Cell] in
                [Table.Cell("\(index + 1)."), Table.Cell(rank.name), Table.Cell(rank.value.map { String(format: "%.1f", $0) } ?? "-"),
                 Table.Cell(String(rank.n)), Table.Cell("\(rank.openFollowUps) open / \(rank.followUps)")]
            }
            print(Table(headers: ["", "TOUCHPOINT", metric, "N", "FOLLOW-UPS"], rows: ranking).render())
        }
    }

    static func row(_ name: String, _ metric: MetricResult, _ emotions: EmotionCounts, _ detractors: Int) -> [Table.Cell] {
        [
            Table.Cell(name), Table.Cell(metric.value.map { String(format: "%.1f", $0) } ?? "n/a"),
            Table.Cell(metric.interval.map { String(format: "%.1f – %.1f", $0.lower, $0.upper) } ?? "-"),
            Table.Cell(String(metric.n)), Table.Cell("\(emotions.positive)/\(emotions.neutral)/\(emotions.negative)"),
            Table.Cell(String(detractors)),
        ]
    }
}
