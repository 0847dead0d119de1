import Foundation

/// How the dispatcher retries a temporary failure: exponential backoff with jitter, and a
/// maximum age after which the message goes dead.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: TimeInterval = 30
    public var longestDelay: TimeInterval = 3600
    /// A message still undelivered this long after it was queued is given up.
    public var maximumAge: TimeInterval = 24 * 3600
    /// ±10 % by default, so that many retries do not line up.
    public var jitter: Double = 0.1

    public init() {}

    /// When to try again after the `attempts`-th failure, or nil to give up. `random` is a
    /// number in 0..<1 (injected so tests are exact).
    public func nextAttempt(
        after attempts: Int, createdAt: Date, now: Date, suggested: TimeInterval? = nil, random: Double
    ) -> Date? {
        let exponential = firstDelay * pow(2, Double(max(0, attempts - 1)))
        let base = min(exponential, longestDelay)
        let jittered = base * (1 + jitter * (2 * random - 1))
        let delay = max(suggested ?? 0, jittered)
        let next = now.addingTimeInterval(delay)
        return next.timeIntervalSince(createdAt) > maximumAge ? nil : next
    }
}
