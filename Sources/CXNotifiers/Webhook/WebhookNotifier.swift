import CXConfig
import CXHTTP
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

    /// Requests of one batch in flight at once, each on a connection of its own.
    static let requestsPerBatch = 4

    public func deliver(_ message: Delivery) async -> DeliveryOutcome {
        await withTaskExecutorPreference(client.nextTaskExecutor()) {
            await send(message)
        }
    }

    /// Up to `requestsPerBatch` messages at a time, in order, all on one event loop of the
    /// client (the batch never leaves that loop's thread between its requests). After an
    /// `.endpointGone`, or once the task is cancelled, no further message starts: those not
    /// started are `.notAttempted`, those in flight end as they end.
    public func deliver(batch messages: [Delivery]) async -> [DeliveryOutcome] {
        await withTaskExecutorPreference(client.nextTaskExecutor()) {
            await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
                var outcomes = [DeliveryOutcome](repeating: .notAttempted, count: messages.count)
                var next = 0
                var stopped = Task.isCancelled
                func start() {
                    let index = next
                    next += 1
                    group.addTask { (index, await send(messages[index])) }
                }
                while !stopped, next < min(Self.requestsPerBatch, messages.count) { start() }
                while let (index, outcome) = await group.next() {
                    outcomes[index] = outcome
                    stopped = stopped || outcome.endsBatch || Task.isCancelled
                    if !stopped, next < messages.count { start() }
                }
                return outcomes
            }
        }
    }

    /// Sends one message and reads the whole answer within `timeout` (connecting, sending, the
    /// status line and headers, and the body). Cancelling the calling task (cxd stopping) ends
    /// the request; both that and the timeout are retries.
    private func send(_ message: Delivery) async -> DeliveryOutcome {
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
