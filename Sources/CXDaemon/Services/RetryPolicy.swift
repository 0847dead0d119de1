import CXConfig
import CXCore
import Foundation

/// How the dispatcher retries a temporary failure: exponential backoff with jitter, never
/// sooner than the receiver asked (Retry-After), and a maximum age after which the message
/// goes dead.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: TimeInterval
    public var longestDelay: TimeInterval
    /// A message still undelivered this long after it was queued is given up.
    public var maximumAge: TimeInterval
    /// ±10 %, so that many retries do not line up.
    public var jitter: Double = 0.1

    public init(_ settings: DeliverySettings = DeliverySettings()) {
        firstDelay = TimeInterval(settings.firstRetry.elapsedSeconds ?? 60)
        longestDelay = TimeInterval(settings.longestRetry.elapsedSeconds ?? 3600)
        maximumAge = TimeInterval(settings.maximumAge.elapsedSeconds ?? 86_400)
    }

    /// When to try again after the `attempts`-th failure, or nil to give up. `random` is a
    /// number in 0..<1.
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
