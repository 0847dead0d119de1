import CXConfig
import CXCore
import Foundation

/// How the dispatcher retries a temporary failure: exponential backoff with jitter, never
/// sooner than the receiver asked (Retry-After), and a maximum age after which the message
/// goes dead. Delays are measured from the moment the failure became known.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: TimeInterval
    public var longestDelay: TimeInterval
    /// A message still undelivered this long after it was queued (or sent again by hand) is
    /// given up.
    public var maximumAge: TimeInterval
    /// ±10 %, so that many retries do not line up.
    public var jitter: Double = 0.1

    public init(_ settings: DeliverySettings = DeliverySettings()) {
        firstDelay = settings.firstRetry.timeInterval
        longestDelay = settings.longestRetry.timeInterval
        maximumAge = settings.maximumAge.timeInterval
    }

    /// When to try again after the `attempts`-th failure, or nil to give up. `now` is when the
    /// failure became known, `createdAt` when the message's age started; `random` is a number
    /// in 0..<1.
    public func nextAttempt(
        after attempts: Int, createdAt: Date, now: Date, suggested: TimeInterval? = nil, random: Double
    ) -> Date? {
        let exponential = firstDelay * pow(2, Double(min(max(0, attempts - 1), 30)))
        let base = min(exponential, longestDelay)
        let jittered = base * (1 + jitter * (2 * random - 1))
        let delay = max(suggested ?? 0, jittered)
        let next = now.addingTimeInterval(delay)
        return next.timeIntervalSince(createdAt) > maximumAge ? nil : next
    }
}
