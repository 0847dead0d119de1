import AsyncHTTPClient
import NIOCore

/// The one HTTP client every webhook notifier shares, for the life of the process: connections
/// to the same endpoint are reused across deliveries and configuration reloads.
///
/// Unlike `HTTPClient.shared` it does not follow redirects: a redirected POST would turn into a
/// GET or carry a signed body to another host, so a 3xx answer is a failure to look at.
enum WebhookHTTPClient {
    static let shared = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            // The per-request deadline (the notifier's `timeout`) is what limits a delivery.
            timeout: .init(connect: .seconds(30), read: .seconds(600))))
}
