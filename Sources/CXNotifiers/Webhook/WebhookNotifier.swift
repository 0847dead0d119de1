import AsyncHTTPClient
import CXConfig
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

    /// The biggest part of an answer's body that is read (to quote in a failure reason).
    static let bodyReadLimit = 16 * 1024

    private let settings: WebhookSettings
    private let environment: NotifierEnvironment
    private let client: HTTPClient

    /// Checks the options and reads the secrets; every problem is a `NotifierSetupError`.
    public init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        settings = try WebhookSettings(config: config, environment: environment)
        self.environment = environment
        client = WebhookHTTPClient.shared
    }

    public func deliver(_ message: OutboxMessage) async -> DeliveryOutcome {
        let body: Data
        switch settings.format.body(for: message.payload) {
        case .success(let data): body = data
        case .failure(let error): return .failed(reason: error.reason)
        }
        let timestamp = Int64(environment.clock().timeIntervalSince1970.rounded(.down))

        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        for header in settings.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        request.headers.replaceOrAdd(name: "content-type", value: settings.format.contentType)
        request.headers.replaceOrAdd(name: "webhook-id", value: message.key)
        request.headers.replaceOrAdd(name: "webhook-timestamp", value: String(timestamp))
        if let signer = settings.signer {
            request.headers.replaceOrAdd(
                name: "webhook-signature", value: signer.signature(id: message.key, timestamp: timestamp, body: body))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return await send(request)
    }

    /// Sends the request and reads the whole answer within `timeout`: connecting, sending,
    /// the status line and headers, and every byte of the body. The request is cancelled when
    /// the time is up or when the calling task is cancelled (cxd stopping); both are retries.
    private func send(_ request: HTTPClientRequest) async -> DeliveryOutcome {
        let timeout = settings.timeout
        return await withTaskGroup(of: DeliveryOutcome?.self) { group in
            group.addTask { await self.exchange(request) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            // The first to finish decides; cancelling the other ends the request (AsyncHTTPClient
            // cancels a request whose task is cancelled, also while its body is being read).
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            if Task.isCancelled { return .retry(reason: "cancelled: cxd is stopping", after: nil) }
            return WebhookOutcome.timedOut(timeout)
        }
    }

    private func exchange(_ request: HTTPClientRequest) async -> DeliveryOutcome {
        // AsyncHTTPClient's own deadline only covers the time until the response head.
        let deadline = NIODeadline.now() + TimeAmount.nanoseconds(Self.nanoseconds(settings.timeout))
        do {
            let response = try await client.execute(request, deadline: deadline)
            let answer = try await Self.readPrefix(of: response.body, limit: Self.bodyReadLimit)
            return WebhookOutcome.outcome(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"),
                body: answer, now: environment.clock())
        } catch {
            return WebhookOutcome.outcome(error: error, timeout: settings.timeout, url: settings.url, shownURL: settings.shownURL)
        }
    }

    /// Reads at most `limit` bytes of a body and drops the rest.
    private static func readPrefix(of body: HTTPClientResponse.Body, limit: Int) async throws -> Data {
        var data = Data()
        for try await chunk in body {
            let room = limit - data.count
            if room > 0 { data.append(contentsOf: chunk.readableBytesView.prefix(room)) }
        }
        return data
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
