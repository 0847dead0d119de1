import CXConfig
import CXCore
import CXEngine
import CXNotifiers
import CXStore
import Foundation
import GRDB

/// In-process figures for issue 9's goals, on projects made by `scripts/bench/generate.py` and
/// registered by `cxd run --once` (`scripts/bench/run.py --keep` leaves them in its workdir):
///
///     cxd-bench --project DIR [--overdue-project DIR] [--repeat 200]
///
/// Prints one JSON object per figure: the scheduler's evaluation with nothing due, the status
/// report, and (with an overdue project) 10,000 overdue steps into the outbox, with its floor:
/// the same number of outbox rows inserted by SQL in one transaction, in the same process.
/// Each project's database is copied first: the benchmark never changes the projects.

struct Options {
    var project: String?
    var overdue: String?
    var repeats = 200

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--project": project = iterator.next()
            case "--overdue-project": overdue = iterator.next()
            case "--repeat": repeats = Int(iterator.next() ?? "") ?? 0
            default: throw Usage(message: "unknown argument '\(argument)'")
            }
        }
        guard project != nil || overdue != nil, repeats > 0 else {
            throw Usage(message: "give --project DIR and/or --overdue-project DIR (and --repeat N > 0)")
        }
    }
}

struct Usage: Error, CustomStringConvertible {
    var message: String
    var description: String { "cxd-bench: \(message)\nusage: cxd-bench --project DIR [--overdue-project DIR] [--repeat N]" }
}

/// The instants `generate.py` wrote to `bench.json`.
struct Instants: Decodable {
    var idle_at: String?
    var overdue_run_at: String?
    var target: String?
}

/// A project opened on a copy of its database.
struct Project {
    let engine: Engine
    let instants: Instants
    let count: Int

    init(_ folder: String) async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/bench.json"))
        instants = try JSONDecoder().decode(Instants.self, from: data)
        var configuration = try ConfigurationLoader.load(
            from: folder + "/config/cxd.yaml", notifierTypes: NotifierRegistry.standard.schemas, initiatives: .none)
        let copy = NSTemporaryDirectory() + "cxd-bench-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: configuration.databasePath, toPath: copy)
        configuration.databasePath = copy
        engine = Engine(configuration: configuration, store: try Store(path: copy, creation: .mustExist))
        count = try await engine.store.read { tx in try tx.initiativeIDs().count }
    }
}

/// Median of `repeats` runs of `body`, in seconds.
func median(_ repeats: Int, _ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<repeats {
        let elapsed = try await clock.measure { try await body() }
        samples.append(elapsed.timeInterval)
    }
    samples.sort()
    return samples[samples.count / 2]
}

func emit(_ fields: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func run() async throws {
    let options = try Options(CommandLine.arguments)
    if let folder = options.project {
        let project = try await Project(folder)
        guard let idle = project.instants.idle_at.flatMap(Timestamp.parse) else { throw Usage(message: "bench.json has no idle_at") }
        // Bring the copy to `idle`, then measure evaluations that find nothing due.
        try await project.engine.evaluate(at: idle)
        let evaluation = try await median(options.repeats) { try await project.engine.evaluate(at: idle) }
        try emit([
            "name": "inprocess.evaluate_nothing_due", "n": project.count, "value_ms": evaluation * 1000,
            "target": "< 1 ms at 100k", "met": evaluation < 0.001,
        ])
        let status = try await median(max(3, options.repeats / 20)) { _ = try await project.engine.statusReport(at: idle) }
        try emit(["name": "inprocess.status_report", "n": project.count, "value_ms": status * 1000])
        try FileManager.default.removeItem(atPath: project.engine.store.path)
    }
    if let folder = options.overdue {
        let project = try await Project(folder)
        guard let at = project.instants.overdue_run_at.flatMap(Timestamp.parse) else {
            throw Usage(message: "bench.json has no overdue_run_at")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let firstChunk = FirstInstant()
        let report = try await project.engine.evaluate(at: at, queued: { await firstChunk.record(clock.now) })
        let total = (clock.now - started).timeInterval
        let first = await firstChunk.instant.map { ($0 - started).timeInterval }
        let floor = try outboxFloor(rows: report.queued, in: project.engine.store.path)
        try emit([
            "name": "inprocess.overdue_to_outbox", "n": project.count, "queued": report.queued, "value_ms": total * 1000,
            "first_chunk_ms": (first ?? total) * 1000, "floor_ms": floor * 1000, "ratio": total / floor,
            "target": "≤ 3× floor; first delivery ≤ 1 s", "met": total <= 3 * floor && (first ?? total) <= 1,
        ])
        try FileManager.default.removeItem(atPath: project.engine.store.path)
    }
}

/// Records the first instant it is given.
actor FirstInstant {
    var instant: ContinuousClock.Instant?
    func record(_ now: ContinuousClock.Instant) { if instant == nil { instant = now } }
}

/// The floor: `rows` outbox rows of the same average payload size inserted by SQL in one
/// transaction (into a copy, so that the figure does not depend on what the engine wrote).
func outboxFloor(rows: Int, in path: String) throws -> Double {
    let copy = path + ".floor"
    try? FileManager.default.removeItem(atPath: copy)
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    let queue = try DatabaseQueue(path: copy)
    let size = try queue.read { db in try Int.fetchOne(db, sql: "SELECT CAST(AVG(length(payload)) AS INTEGER) FROM outbox") } ?? 1500
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        try queue.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO outbox (key, initiative, kind, notifier, recipient, payload, status, attempts, createdAt, nextAttemptAt)
                    SELECT 'floor-' || i, 'init', 'step.overdue', 'log', 'someone', randomblob(?), 'pending', 0,
                           '2027-01-01 00:00:00.000', '2027-01-01 00:00:00.000'
                    FROM n
                    """,
                arguments: [rows, size])
        }
    }
    return elapsed.timeInterval
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
