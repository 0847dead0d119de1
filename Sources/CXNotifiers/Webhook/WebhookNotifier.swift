import CXConfig
import CXHTTP
import CXStore
import Foundation
import NIOCore
import NIOHTTP1

/// Delivers notifications as HTTP POST requests signed the Standard Webhooks way
/// (`webhook-id`, `webhook-timestamp`, `webhook-signature`), with the payload JSON as the body
/// (`format: standard`), wrapped in a CloudEvents 1.0 envelope (`format: cloudevents`), or
/// rendered by a Mustache file (`format: template`, e.g. for chat incoming webhooks).
///
/// The `webhook-id` is the message's idempotency key, the same on every retry, so receivers
/// can drop duplicates. Answers map to outcomes as follows:
///
/// - 2xx: `.delivered`.
/// - 408, 429 and 5xx: `.retry`, after the `Retry-After` delay when the answer carries one
///   (delta-seconds or an HTTP-date, measured from the environment's clock).
/// - 410 Gone: `.endpointGone` (the message goes dead and the notifier is disabled).
/// - any other status (other 4xx; 3xx, since redirects are not followed): `.failed`, with the
///   status and at most 200 characters of the body.
/// - no answer (connection refused or reset, the `timeout` elapsed, TLS failure): `.retry`.
public struct WebhookNotifier: Notifier {
    /// The notifier type name in `notifiers:`.
    public static let type = "webhook"

    /// The options `type: webhook` accepts; see the README for each one.
    public static var schema: NotifierOptionSchema { WebhookSettings.schema }

    /// Adds the `webhook` type to `registry`.
    public static func register(in registry: inout NotifierRegistry) {
        registry.register(type, schema: schema) { config, environment throws(NotifierSetupError) in
            try WebhookNotifier(config: config, environment: environment)
        }
    }

    /// The biggest part of an answer's body that is read (to quote in a failure reason); a
    /// longer body is cut there and its connection closed.
    static let bodyReadLimit = 16 * 1024

    private let settings: WebhookSettings
    private let environment: NotifierEnvironment
    private let client: HTTPClient
    /// What every request carries besides its own id, timestamp and signature.
    private let commonHeaders: HTTPHeaders

    /// Checks the options and reads the secrets; every problem is a `NotifierSetupError`. All
    /// webhook notifiers share one HTTP client, whose connections outlive configuration reloads.
    public init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        try self.init(config: config, environment: environment, client: .shared)
    }

    /// With a client of the caller's (tests: a TLS configuration that trusts their certificate).
    init(config: NotifierConfig, environment: NotifierEnvironment, client: HTTPClient) throws(NotifierSetupError) {
        settings = try WebhookSettings(config: config, environment: environment)
        self.environment = environment
        self.client = client
        var headers = HTTPHeaders(settings.headers.map { ($0.name, $0.value) })
        headers.add(name: "content-type", value: settings.format.contentType)
        commonHeaders = headers
    }

    public func deliver(_ message: OutboxMessage) async -> DeliveryOutcome {
        await withTaskExecutorPreference(client.nextTaskExecutor()) {
            await send(message)
        }
    }

    /// One by one, as every notifier does, but on one event loop of the client: between two
    /// messages the batch never leaves that loop's thread.
    public func deliver(batch messages: [OutboxMessage]) async -> [DeliveryOutcome] {
        await withTaskExecutorPreference(client.nextTaskExecutor()) {
            await deliverInTurn(messages) { await send($0) }
        }
    }

    /// Sends one message and reads the whole answer within `timeout` (connecting, sending, the
    /// status line and headers, and the body). Cancelling the calling task (cxd stopping) ends
    /// the request; both that and the timeout are retries.
    private func send(_ message: OutboxMessage) async -> DeliveryOutcome {
        let body: Data
        switch settings.format.body(for: message.payload) {
        case .success(let data): body = data
        case .failure(let error): return .failed(reason: error.reason)
        }
        let timestamp = Int64(environment.clock().timeIntervalSince1970.rounded(.down))
        var headers = commonHeaders
        headers.add(name: "webhook-id", value: message.key)
        headers.add(name: "webhook-timestamp", value: String(timestamp))
        if let signer = settings.signer {
            headers.add(name: "webhook-signature", value: signer.signature(id: message.key, timestamp: timestamp, body: body))
        }
        let request = HTTPRequest(url: settings.target, method: .POST, headers: headers, body: ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, bodyLimit: Self.bodyReadLimit, timeout: settings.timeout)
            return WebhookOutcome.outcome(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"),
                body: Data(response.body.readableBytesView), now: environment.clock())
        } catch {
            return WebhookOutcome.outcome(error: error, timeout: settings.timeout, url: settings.url, shownURL: settings.shownURL)
        }
    }
}
