#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CXConfig
import CXWeb
import Metrics
import Prometheus
import CXCore
import CXDaemon
import CXEngine
import CXNotifiers
import CXStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon in the foreground (Ctrl-C or SIGTERM stops it cleanly).",
        discussion: """
            The scheduler sleeps until the next instant something is due (a step start, a \
            reminder, an escalation) and the dispatcher delivers the outbox through the \
            configured notifiers. SIGHUP reloads the YAML (an invalid configuration is refused \
            and the running one kept); commands such as `cxd complete` wake the daemon at once. \
            Only one daemon may run on a SQLite database. On PostgreSQL, several may (on several \
            machines): one leads and evaluates, every one delivers, and another leads when the \
            leader goes (see the README, "Running on PostgreSQL, with several nodes").

            With --once, performs one evaluation and delivery at --now (or the clock) and exits: \
            for cron, and for tests.
            """)

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Evaluate and deliver once, then exit.") var once = false
    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"
    @Option(help: ArgumentHelp(
        "Serve the HTTP API, dashboard and metrics on HOST:PORT (overrides http.listen; port 0 picks a free one).",
        valueName: "host:port"))
    var httpListen: String?
    @Option(help: ArgumentHelp(
        "This node's name in `cxd status` when several run on PostgreSQL (overrides cluster.node; default HOST-PID).",
        valueName: "name"))
    var node: String?

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if options.now != nil && !once {
            throw ValidationError("--now only makes sense with --once: the daemon follows the clock")
        }
        if let httpListen, HTTPSettings.listenAddress(httpListen) == nil {
            throw ValidationError("--http-listen expects HOST:PORT (like 127.0.0.1:8787 or [::1]:8787), got '\(httpListen)'")
        }
        if httpListen != nil && once {
            throw ValidationError("--http-listen needs the daemon: --once evaluates and exits without serving")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        // Under systemd, stderr is the journal's stream: journald stamps each line itself and
        // reads its priority from a `<N>` prefix.
        let journal = JournalStream.isStandardError
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cxd")
        let options = self.options
        let opened = try CommandContext.openEngine(options, creation: .createIfMissing, checkingNotifiers: true)
        var http = try Self.httpSettings(opened.configuration, listen: httpListen)
        if let settings = http, settings.port == 0 {
            // Chosen now, before the first evaluation queues reminders whose links name it.
            let port = try await CommandContext.reporting { try await FreePort.pick(host: settings.host) }
            http?.listen(on: settings.host, port: port)
        }
        var configuration = opened.configuration
        configuration.http = http
        let engine = Engine(configuration: configuration, store: opened.store)
        let listening = http
        // The pid file publishes our pid as soon as the lock is held, and CLI commands signal it (SIGUSR1) to wake
        // the daemon: until the scheduler traps these signals they must not end the process.
        signal(SIGUSR1, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        // On SQLite one daemon runs alone (the lock); on PostgreSQL several nodes share the
        // database and elect the one that evaluates (`ClusterNode`).
        let clustered = engine.store.isPostgres
        let nodeID = node ?? engine.configuration.cluster.node ?? ClusterNode.defaultID()
        var lock: DaemonLock?
        if !clustered {
            do {
                lock = try DaemonLock(database: engine.configuration.databasePath)
            } catch {
                CommandContext.printError("cxd: \(error)")
                throw ExitStatus.runtimeFailure
            }
        }
        let notifiers = try CommandContext.makeNotifiers(engine.configuration.notifiers)
        let holder = EngineHolder(EngineHolder.Current(engine: engine, notifiers: notifiers))
        let schedulerWake = WakeSignal()
        let dispatcherWake = WakeSignal()
        let dispatcher = Dispatcher(holder: holder, wake: dispatcherWake, logger: logger, node: nodeID)

        if once {
            // On PostgreSQL, one evaluation takes the lead for its run: never beside a leader.
            let leading = try await CommandContext.reporting { try await NodeConnection.open(for: engine.store) }
            if let leading, try await !CommandContext.reporting({ try await leading.tryLead() }) {
                await leading.close()
                CommandContext.printError("cxd: another node leads on \(engine.store.path); --once evaluates only where no daemon runs")
                throw ExitStatus.runtimeFailure
            }
            defer { if let leading { Task { await leading.close() } } }
            try await CommandContext.reporting {
                let now = options.instant
                let zone = engine.configuration.defaultTimeZone
                let reconciled = try await engine.reconcile(at: now)
                let report = try await Self.evaluateDelivering(engine: engine, dispatcher: dispatcher, at: now)
                let health = try await engine.store.read { tx in try tx.outboxTotals() }
                let next = report.nextWake.map { Format.time($0, in: zone) } ?? "nothing scheduled"
                print(
                    "evaluated at \(Format.time(now, in: zone)) (\(zone.identifier)): "
                        + "\(reconciled.transitions + report.transitions) initiative change(s), "
                        + "\(reconciled.queued + report.queued) notification(s) queued; "
                        + "outbox \(health.pending) pending, \(health.dead) dead; next due \(next)")
            }
            withExtendedLifetime(lock) {}
            return
        }

        // Bring the store in line with the YAML before the services start, so that a change the
        // store cannot follow is reported plainly (exit 65) instead of stopping the services.
        // (On PostgreSQL every node does: the version check makes concurrent reconciles safe.)
        _ = try await CommandContext.reporting {
            guard let reconciling = try await NodeConnection.open(for: engine.store) else {
                return try await engine.reconcile(at: Date())
            }
            defer { Task { await reconciling.close() } }
            return try await reconciling.whileReconciling { try await engine.reconcile(at: Date()) }
        }
        let leadership = Leadership(leading: !clustered)
        // A systemd unit with `Type=notify` listens here for READY=1, RELOADING=1, STOPPING=1.
        let serviceManager = NotifySocket()
        let scheduler = Scheduler(
            holder: holder, wake: schedulerWake, dispatcherWake: dispatcherWake,
            reload: { [httpListen, listening] in
                var fresh = try ConfigurationLoader.load(
                    from: options.config, notifierTypes: NotifierRegistry.standard.schemas, initiatives: .none,
                    checkingNotifiers: NotifierRegistry.standard.check())
                // The listening address is the one the daemon started with (a restart moves it);
                // tokens, the public URL and the link key follow the file.
                fresh.http = try Self.httpSettings(fresh, listen: httpListen, keeping: listening)
                // The daemon lock belongs to the database it started on: switching needs a restart.
                guard fresh.databasePath == engine.store.path else { throw ReloadError.databaseChanged(from: engine.store.path, to: fresh.databasePath) }
                return EngineHolder.Current(
                    engine: Engine(configuration: fresh, store: engine.store),
                    notifiers: try NotifierRegistry.standard.make(fresh.notifiers))
            },
            logger: logger, serviceManager: serviceManager, leadership: leadership,
            onReady: {
                let registered = (try? await engine.store.read { tx in try tx.initiativeCount(archived: false) }) ?? 0
                logger.info(
                    "cxd running on \(engine.configuration.databasePath) with \(registered) initiative(s); pid \(ProcessInfo.processInfo.processIdentifier)")
            })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: scheduler), .init(service: dispatcher)]
        if clustered {
            logger.info("node \(nodeID) on \(engine.store.path): follows until it leads")
            services.append(.init(service: ClusterNode(
                store: engine.store, id: nodeID, settings: engine.configuration.cluster, leadership: leadership,
                schedulerWake: schedulerWake, dispatcherWake: dispatcherWake, logger: logger)))
        }
        if let http {
            let endpoint = MetricsEndpoint(registry: PrometheusCollectorRegistry())
            MetricsSystem.bootstrap(endpoint.factory())
            let storedKey = try await CommandContext.reporting { try await engine.store.read { tx in try tx.storedLinkKey() } }
            let web = WebService(
                holder: holder, settings: http, storedKey: storedKey, metrics: endpoint,
                wake: {
                    await schedulerWake.wake(.changed)
                    await dispatcherWake.wake(.changed)
                    // The leader may be another node.
                    if clustered { try? await engine.store.write { tx in try tx.notifyNodes() } }
                },
                logger: logger,
                onListening: { port in
                    let host = http.host.contains(":") ? "[\(http.host)]" : http.host
                    logger.info("HTTP service listening on \(host):\(port); dashboard and links at \(http.publicURL)")
                })
            services.append(.init(service: web))
        }
        // Last, so that it is the first told of a graceful shutdown (services stop in reverse).
        if let serviceManager { services.append(.init(service: StopNotice(socket: serviceManager))) }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A stop never waits for ever: services get this long to finish after SIGTERM (the
        // dispatcher cancels in-flight sends sooner), then they are cancelled; a service that
        // still does not return makes the group end the process (a crash, never a hang).
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(Run.gracefulShutdownSeconds)
        groupConfiguration.maximumCancellationDuration = .seconds(Run.cancellationSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch {
            // One service failed (the others were cancelled): the daemon is not doing its job,
            // so it must not look alive. Exit non-zero for systemd or the operator to see.
            logger.critical("cxd stopped because a service failed: \(error)")
            CommandContext.printError("cxd: stopped: \(error)")
            withExtendedLifetime(lock) {}
            throw ExitStatus.runtimeFailure
        }
        logger.info("cxd stopped")
        withExtendedLifetime(lock) {}
    }
}

extension Run {
    /// One evaluation at `now`, delivering as it goes, as the daemon does: every chunk of
    /// evaluation that queued messages starts a delivery pass beside the next chunks (passes
    /// asked for meanwhile fold into one), and a last pass runs once evaluation is done. The
    /// first reminder of a burst goes out after the first chunk, not after the whole burst.
    static func evaluateDelivering(engine: Engine, dispatcher: Dispatcher, at now: Date) async throws -> Engine.Report {
        let (passes, ask) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in passes { try await dispatcher.drain(at: now) }
                try await dispatcher.drain(at: now)
            }
            do {
                let report = try await engine.evaluate(at: now, queued: { ask.yield() })
                ask.finish()
                try await group.waitForAll()
                return report
            } catch {
                // Let a pass in flight record what it sent (cancelled, its outcomes would be
                // lost and those messages sent again), then report the evaluation's failure.
                ask.finish()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Seconds the services get to stop after SIGTERM/SIGINT before they are cancelled.
    static let gracefulShutdownSeconds: Int64 = 20
    /// Seconds cancelled services get to return before the service group gives up on them.
    static let cancellationSeconds: Int64 = 5
}

extension Run {
    /// The HTTP settings in force: the file's, with `--http-listen` for the address. Listening
    /// beyond loopback needs a token; a reload keeps the address the daemon started with.
    static func httpSettings(_ configuration: Configuration, listen: String?, keeping running: HTTPSettings? = nil) throws -> HTTPSettings? {
        var settings = configuration.http
        if let running {
            guard var fresh = settings else { throw ReloadError.httpRemoved }
            fresh.listen(on: running.host, port: running.port)
            return fresh
        }
        if let listen, let (host, port) = HTTPSettings.listenAddress(listen) {
            var updated = settings ?? HTTPSettings(host: host, port: port)
            updated.listen(on: host, port: port)
            settings = updated
        }
        if let settings, settings.tokens.isEmpty, !HTTPSettings.isLoopback(settings.host) {
            CommandContext.printError(
                "cxd: --http-listen \(settings.host):\(settings.port) is not a loopback address and http.tokens names no token: "
                    + "anyone who reaches the port could read every initiative. Add tokens (http.tokens in cxd.yaml) or listen on 127.0.0.1.")
            throw ExitStatus.dataError
        }
        return settings
    }
}

enum ReloadError: Error, CustomStringConvertible {
    case databaseChanged(from: String, to: String)
    case httpRemoved

    var description: String {
        switch self {
        case .databaseChanged(let from, let to):
            return "database: changed from \(from) to \(to); restart cxd to switch databases"
        case .httpRemoved:
            return "http: was removed, but the HTTP service is running; restart cxd to stop it"
        }
    }
}
