import CXHTTP
import Foundation

/// How an HTTP answer becomes a `DeliveryOutcome`:
///
/// | Answer | Outcome |
/// |---|---|
/// | 2xx | `.delivered` |
/// | 408, 429, 5xx | `.retry`, after `Retry-After` when given (delta-seconds or HTTP-date) |
/// | 410 Gone | `.endpointGone`: the message goes dead and the notifier is disabled |
/// | any other status (4xx, and 1xx/3xx, since redirects are not followed) | `.failed`, with the status and the start of the body |
/// | no answer: connection refused or reset, timeout, TLS failure | `.retry` |
enum WebhookOutcome {
    /// How much of a response body a failure reason quotes.
    static let quotedBodyLength = 200

    /// The outcome of an answered request; `retryAfter` is the raw `Retry-After` header. The
    /// body and the clock are read only when the reason or the delay needs them.
    static func outcome(
        status: Int, retryAfter: String?, body: @autoclosure () -> Data, now: @autoclosure () -> Date
    ) -> DeliveryOutcome {
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500..<600:
            return .retry(reason: describe(status, body()), after: retryAfter.flatMap { delay($0, now: now()) })
        case 410:
            return .endpointGone(reason: describe(status, body()))
        default:
            return .failed(reason: describe(status, body()))
        }
    }

    /// The outcome of a request that got no answer (the error is transport-level by then: the
    /// request was validated when the notifier was set up). `url` never appears in the reason:
    /// where an error quotes it, `shownURL` (cut to `scheme://host/…` for a secret URL) does.
    static func outcome(error: any Error, timeout: Duration, url: String, shownURL: String) -> DeliveryOutcome {
        if let error = error as? HTTPClientError {
            switch error.kind {
            case .timedOut: return timedOut(timeout)
            case .cancelled: return .retry(reason: "cancelled: cxd is stopping", after: nil)
            case .connectionRefused: return .retry(reason: error.description, after: nil)
            default: break
            }
        }
        let text = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            .replacingOccurrences(of: url, with: shownURL)
        return .retry(reason: "request failed: \(text.prefix(quotedBodyLength))", after: nil)
    }

    /// The reason when the whole exchange did not finish within `timeout`.
    static func timedOut(_ timeout: Duration) -> DeliveryOutcome {
        .retry(reason: "no answer within \(timeout)", after: nil)
    }

    /// `HTTP 400: {"error":"…"}`: the status and at most `quotedBodyLength` characters of the
    /// body, on one line.
    static func describe(_ status: Int, _ body: Data) -> String {
        let text = String(decoding: body, as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return "HTTP \(status)" }
        let quoted = text.count > quotedBodyLength ? text.prefix(quotedBodyLength) + "…" : Substring(text)
        return "HTTP \(status): \(quoted)"
    }

    /// A week: longer suggestions are cut to it (the dispatcher's maximum age applies anyway).
    static let longestDelay = 7 * 24 * 3600

    /// `Retry-After` as a delay from `now`: delta-seconds (`120`) or an HTTP-date
    /// (`Wed, 21 Oct 2026 07:28:00 GMT`, also the obsolete RFC 850 and asctime forms). A date
    /// in the past means zero; anything unreadable means no suggestion.
    static func delay(_ header: String, now: Date) -> Duration? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.count <= 12, text.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int(text) {
            return .seconds(min(seconds, longestDelay))
        }
        guard let date = httpDate(text) else { return nil }
        let seconds = date.timeIntervalSince(now).rounded(.up)
        return .seconds(Int(min(max(0, seconds), Double(longestDelay))))
    }

    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss 'GMT'",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss 'GMT'",  // RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]

    static func httpDate(_ text: String) -> Date? {
        // asctime pads the day with a space (`Nov  6`): compare with single spaces.
        let text = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in httpDateFormats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
