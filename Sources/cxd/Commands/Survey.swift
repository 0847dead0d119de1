#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXStore
import CXSurveys
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
            (positive, neutral or negative). A blank score (JSON: null) is an answer seen but not \
            scored. With no --round the answers go to the open round, else the latest one, else a \
            new ad-hoc round (baseline data). Every bad row is reported as FILE:LINE with what was \
            expected; by default a file with bad rows is refused whole and nothing is written; \
            --skip-invalid imports the good ones. A respondent already in the round is ignored, so \
            importing a file twice is harmless; one repeated in the file with another answer is a \
            bad row. Detractors on a touchpoint open follow-up tasks. The file is streamed: memory \
            stays the same whatever its size.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: "The file (.csv, or .jsonl/.ndjson for JSON lines).") var file: String
    @Option(help: "The initiative.") var initiative: String
    @Option(help: "The round number (default: the open round, else the latest).") var round: Int?
    @Flag(help: "Import the good rows of a file with bad ones, and report the rest.") var skipInvalid = false

    func run() async throws {
        let engine = try CommandContext.openEngine(options)
        let showProgress = isatty(STDERR_FILENO) == 1
        let report = try await CommandContext.reporting {
            try await engine.reconcile(initiative, at: options.instant)
            return try await engine.importResponses(
                from: .file(path: file), file: file, initiative: initiative, round: round, skipInvalid: skipInvalid,
                at: options.instant, progress: { progress in
                    guard showProgress, let total = progress.totalBytes, total > 1_000_000 else { return }
                    let width = 30
                    let filled = width * min(progress.bytes, total) / total
                    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                    let megabytes = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_000_000) }
                    let phase = progress.phase.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                    FileHandle.standardError.write(Data("\r\(phase) [\(bar)] \(megabytes(progress.bytes))/\(megabytes(total)) MB".utf8))
                    if progress.bytes >= total { FileHandle.standardError.write(Data("\n".utf8)) }
                })
        }
        for line in report.skipped + report.changed { CommandContext.printError("\(file):\(line.dropFirst("line ".count))") }
        if report.skippedCount > report.skipped.count {
            CommandContext.printError("… and \(report.skippedCount - report.skipped.count) more bad row(s)")
        }
        if report.changedCount > report.changed.count {
            CommandContext.printError("… and \(report.changedCount - report.changed.count) more answer(s) differing from the stored ones")
        }
        var summary = "round \(report.round): \(report.imported) answer(s) imported"
        if report.unanswered > 0 { summary += " (\(report.unanswered) without a score)" }
        summary += ", \(report.duplicates) already there"
        if report.changedCount > 0 { summary += " (\(report.changedCount) with another answer, kept as stored)" }
        if report.skippedCount > 0 { summary += ", \(report.skippedCount) bad row(s) skipped" }
        if report.followUpsOpened > 0 { summary += ", \(report.followUpsOpened) follow-up(s) opened" }
        if report.roundClosed { summary += "; quota reached, round closed" }
        if let early = report.earlyRound { summary += "; metric below the threshold, round \(early) requested early" }
        // The daemon waits while an import writes: say so when it is long enough to notice.
        if report.writeSeconds >= 0.5 { summary += String(format: " (database locked for %.1f s)", report.writeSeconds) }
        print(summary)
        await CommandContext.wakeDaemons(engine)
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
