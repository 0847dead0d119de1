import AsyncHTTPClient
import NIOCore

/// The one HTTP client every webhook notifier shares, for the life of the process: connections
/// to the same endpoint are reused across deliveries and configuration reloads.
///
/// Unlike `HTTPClient.shared` it does not follow redirects: a redirected POST would turn into a
/// GET or carry a signed body to another host, so a 3xx answer is a failure to look at.
///
/// A connection that cannot be made (refused, unreachable) fails the request at once, as a
/// temporary failure: the dispatcher's backoff is the retry, instead of AsyncHTTPClient's own
/// reconnection attempts that would hold the request until its deadline.
///
/// Up to 64 connections per host are kept open, so that a lane with many batches in flight
/// never waits for a free one.
enum WebhookHTTPClient {
    static let shared = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)

    static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            // The notifier's `timeout` limits each delivery from connect to the last byte.
            timeout: .init(connect: .seconds(30), read: .seconds(600)))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Every batch in flight (`delivery.concurrency` per notifier) keeps a connection of its
        // own: the default of 8 per host would queue the rest behind them.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        // Without a tracer of cxd's own, AsyncHTTPClient would take the global no-op one and
        // still parse the URL and fill span attributes for every request.
        configuration.tracing.tracer = nil
        return configuration
    }
}
