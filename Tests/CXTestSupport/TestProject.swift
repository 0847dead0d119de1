import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import Foundation
import Logging

/// A throw-away copy of the repository's example project (config/ and workflows/) in a
/// temporary folder, with its own SQLite file and JSON Lines notification file.
public final class TestProject: @unchecked Sendable {
    public let folder: TemporaryDirectory
    public var configPath: String { folder.file("config/cxd.yaml") }
    public var notificationsPath: String { folder.file("state/notifications.jsonl") }
    public var databasePath: String { folder.file("state/cxd.sqlite") }
    /// The PostgreSQL database's URL when the project was made on PostgreSQL.
    public private(set) var databaseURL: String?

    /// Copies the example project; `keeping` limits the initiatives to the given ids.
    public init(keeping initiatives: Set<String>? = nil) throws {
        folder = TemporaryDirectory("cxd-project")
        let root = repositoryRoot()
        let manager = FileManager.default
        for sub in ["config", "workflows"] {
            try manager.copyItem(at: root.appendingPathComponent(sub), to: folder.url.appendingPathComponent(sub))
        }
        if let initiatives {
            let dir = folder.url.appendingPathComponent("config/initiatives")
            for file in try manager.contentsOfDirectory(atPath: dir.path)
            where !initiatives.contains((file as NSString).deletingPathExtension) {
                try manager.removeItem(at: dir.appendingPathComponent(file))
            }
        }
    }

    /// The configuration; `.none` reads no initiative file, as the commands and the daemon do.
    public func configuration(initiatives: InitiativeLoading = .all) throws -> Configuration {
        try ConfigurationLoader.load(from: configPath, notifierTypes: NotifierRegistry.standard.schemas, initiatives: initiatives)
    }

    public func engine(initiatives: InitiativeLoading = .all) throws -> Engine {
        let configuration = try configuration(initiatives: initiatives)
        return Engine(configuration: configuration, store: try Store(location: StoreLocation(configuration.database)))
    }

    /// Which database a test project keeps its progress in.
    public enum Backend: String, Sendable, CaseIterable {
        case sqlite
        case postgres
    }

    /// The example project on `backend`: SQLite as shipped, or a new, empty database of the
    /// test PostgreSQL cluster (`PostgresCluster`) named in `config/cxd.yaml`.
    public static func make(keeping initiatives: Set<String>? = nil, backend: Backend) async throws -> TestProject {
        let project = try TestProject(keeping: initiatives)
        if backend == .postgres {
            let url = try await PostgresCluster.shared.newDatabase()
            project.databaseURL = url
            try project.edit("config/cxd.yaml") { text in
                text.replacingOccurrences(of: "database: ../state/cxd.sqlite", with: "database: \(url)")
            }
        }
        return project
    }

    /// A dispatcher with the configured notifiers, for delivering at a fixed instant.
    public func dispatcher(
        for engine: Engine, random: @escaping @Sendable () -> Double = { 0.5 },
        logger: Logger = Logger(label: "test", factory: { _ in SwallowingLogHandler() })
    ) throws -> Dispatcher {
        let notifiers = try NotifierRegistry.standard.make(engine.configuration.notifiers)
        return Dispatcher(
            holder: EngineHolder(EngineHolder.Current(engine: engine, notifiers: notifiers)), wake: WakeSignal(),
            random: random, logger: logger)
    }

    /// Every notification the `file` notifier wrote so far.
    public func notifications() throws -> [NotificationPayload] {
        guard FileManager.default.fileExists(atPath: notificationsPath) else { return [] }
        return try String(decoding: Data(contentsOf: URL(fileURLWithPath: notificationsPath)), as: UTF8.self)
            .split(separator: "\n")
            .map { try NotificationPayload.decoder.decode(NotificationPayload.self, from: Data($0.utf8)) }
    }

    /// Rewrites a file of the project (`config/cxd.yaml`, say) through `transform`.
    public func edit(_ relative: String, _ transform: (String) -> String) throws {
        let path = folder.file(relative)
        try transform(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Makes every hour of every day a working hour, with no holidays: for tests on the real
    /// clock, whose messages must not wait for anyone's morning (every message to a person waits
    /// for their working hours) whatever the day and hour the tests run.
    public func workAroundTheClock() throws {
        try edit("config/cxd.yaml") { text in
            var lines: [String] = []
            var skipping = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("working_hours:") || line.hasPrefix("holidays:") {
                    skipping = true
                    continue
                }
                if skipping, line.hasPrefix(" ") || line.isEmpty { continue }
                skipping = false
                lines.append(String(line))
            }
            return lines.joined(separator: "\n")
                + "\nworking_hours:\n  days: [mon, tue, wed, thu, fri, sat, sun]\n  start: \"00:00\"\n  end: \"23:59\"\n"
        }
    }

    /// Edits an initiative file in place (e.g. to record what a step requires).
    public func appendToInitiative(_ id: String, _ yaml: String) throws {
        let path = folder.file("config/initiatives/\(id).yaml")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(yaml.utf8))
        try handle.close()
    }
}
