import CXTestSupport
import Foundation
import Testing

@testable import CXNotifiers

@Suite("Webhook Retry-After and failure reasons")
struct WebhookRetryAfterTests {
    let now = instant("2026-10-21T07:28:00Z")

    @Test("Retry-After in delta-seconds is the delay")
    func deltaSeconds() {
        #expect(WebhookOutcome.delay("120", now: now) == .seconds(120))
        #expect(WebhookOutcome.delay(" 0 ", now: now) == .seconds(0))
    }

    @Test("Retry-After as an HTTP-date counts from the environment's clock, in all three date forms")
    func httpDate() {
        #expect(WebhookOutcome.delay("Wed, 21 Oct 2026 07:30:00 GMT", now: now) == .seconds(120))
        #expect(WebhookOutcome.delay("Wednesday, 21-Oct-26 07:29:00 GMT", now: now) == .seconds(60))
        #expect(WebhookOutcome.delay("Wed Oct 21 07:28:30 2026", now: now) == .seconds(30))
    }

    @Test("a Retry-After date in the past means no wait; garbage means no suggestion; huge values are capped")
    func oddRetryAfterValues() {
        #expect(WebhookOutcome.delay("Wed, 21 Oct 2026 07:00:00 GMT", now: now) == .seconds(0))
        #expect(WebhookOutcome.delay("soon", now: now) == nil)
        #expect(WebhookOutcome.delay("-5", now: now) == nil)
        #expect(WebhookOutcome.delay("", now: now) == nil)
        #expect(WebhookOutcome.delay("99999999999", now: now) == .seconds(WebhookOutcome.longestDelay))
        #expect(WebhookOutcome.delay(String(repeating: "9", count: 400), now: now) == nil)
    }

    @Test("429 and 503 retry after the Retry-After date; 408 retries without one")
    func retryStatusesUseRetryAfter() {
        #expect(
            WebhookOutcome.outcome(status: 503, retryAfter: "Wed, 21 Oct 2026 07:28:10 GMT", body: Data(), now: now)
                == .retry(reason: "HTTP 503", after: .seconds(10)))
        #expect(WebhookOutcome.outcome(status: 408, retryAfter: nil, body: Data(), now: now) == .retry(reason: "HTTP 408", after: nil))
    }

    @Test("a failure reason quotes at most 200 characters of the body, on one line")
    func failureReasonIsShort() {
        let body = Data(("line one\nline two " + String(repeating: "x", count: 1000)).utf8)
        guard case .failed(let reason) = WebhookOutcome.outcome(status: 422, retryAfter: nil, body: body, now: now) else {
            Issue.record("expected .failed")
            return
        }
        #expect(reason.hasPrefix("HTTP 422: line one line two xxx"))
        #expect(reason.count <= "HTTP 422: ".count + 201)
        #expect(!reason.contains("\n"))
    }

    @Test("a redirect is not followed and fails")
    func redirectFails() {
        guard case .failed(let reason) = WebhookOutcome.outcome(status: 302, retryAfter: nil, body: Data(), now: now) else {
            Issue.record("expected .failed")
            return
        }
        #expect(reason == "HTTP 302")
    }
}
