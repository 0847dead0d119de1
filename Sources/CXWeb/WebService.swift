import CXConfig
import CXCore
import CXDaemon
import CXEngine
import CXStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP service of `cxd run`: one more service in the daemon's group, sharing its engine
/// (replaced on SIGHUP through the holder) and store, and waking its scheduler and dispatcher
/// after every write. Serves the JSON API, the dashboard, one-click links, `/metrics` and
/// calendar feeds.
public struct WebService: Service {
    let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - storedKey: the link key the database keeps (used when the configuration names none).
    ///   - wake: asks the scheduler and the dispatcher to look again (after a write).
    ///   - onListening: called with the port once the server listens (port 0 picks a free one).
    public init(
        holder: EngineHolder, settings: HTTPSettings, storedKey: [UInt8], metrics: MetricsEndpoint,
        wake: @escaping @Sendable () async -> Void, clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        let site = Site(holder: holder, storedKey: storedKey, metrics: metrics, wake: wake, clock: clock, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeaders())
        site.addRoutes(to: router)
        application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "cxd"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}

/// Headers every response carries: no framing by other sites, no MIME sniffing, no referrer
/// (one-click link tokens are in URLs), and a content security policy that allows only this
/// site's own styles, scripts and images.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        }
        return response
    }
}

/// What every handler shares.
struct Site: Sendable {
    let holder: EngineHolder
    let storedKey: [UInt8]
    let metrics: MetricsEndpoint
    let wake: @Sendable () async -> Void
    let clock: @Sendable () -> Date
    let logger: Logger

    var engine: Engine { holder.current.engine }
    var configuration: Configuration { holder.current.engine.configuration }
    var http: HTTPSettings? { configuration.http }

    /// The key in force: the configuration's, or the database's.
    var signer: Signer { Signer(key: http?.linkKey ?? storedKey) }

    var authenticator: Authenticator {
        Authenticator(tokens: http?.tokens ?? [], sessions: signer.derived("sessions"))
    }

    /// Reading needs a token (or a sign-in) as soon as any is configured; without tokens the
    /// service listens on loopback only (the configuration refuses anything else).
    func requireReader(_ request: Request) throws {
        guard tokensConfigured else { return }
        _ = try authenticator.require(request)
    }

    /// Whether any token is configured (then reading needs one, and the dashboard a sign-in).
    var tokensConfigured: Bool { !(http?.tokens.isEmpty ?? true) }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in Response.text("ok\n", contentType: "text/plain; charset=utf-8") }
        router.get("/readyz") { _, _ in try await readiness() }
        router.get("/metrics") { _, _ in try await metricsResponse() }
        addAPIRoutes(to: router)
        addLinkRoutes(to: router)
        addCalendarRoutes(to: router)
        addDashboardRoutes(to: router)
    }

    /// Ready when the store answers; 503 with the reason otherwise.
    func readiness() async throws -> Response {
        do {
            _ = try await engine.store.read { tx in try tx.installationID() }
            return Response.text("ready\n", contentType: "text/plain; charset=utf-8")
        } catch {
            logger.warning("not ready: \(error)")
            return Response.text("not ready: the database does not answer\n", contentType: "text/plain; charset=utf-8", status: .serviceUnavailable)
        }
    }

    func metricsResponse() async throws -> Response {
        let text = try await metrics.render(engine: engine, at: clock())
        return Response.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
