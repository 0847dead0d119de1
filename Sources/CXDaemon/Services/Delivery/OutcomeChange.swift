import CXCore
import CXNotifiers
import CXStore
import Foundation

/// What one delivery outcome does to its outbox row: the "decide" half of recording, pure so
/// that every rule can be tested alone.
enum OutcomeChange: Equatable, Sendable {
    case delivered
    /// Tried again at this instant.
    case retry(error: String, at: Date)
    /// Given up: a permanent failure, or older than `delivery.max_age`.
    case dead(error: String)
    /// The endpoint is gone: the notifier is disabled and the message waits, due as it was,
    /// until `cxd notify enable`.
    case waitForEnable(error: String)
    /// Not sent: the attempt counted before the send is taken back.
    case notSent

    /// The change for `outcome`, known at `now` (the moment the send returned, so the backoff is
    /// measured from the failure); `random` in 0..<1 for the jitter.
    static func decide(
        _ outcome: DeliveryOutcome, for due: DueMessage, at now: Date, policy: RetryPolicy, random: Double
    ) -> OutcomeChange {
        switch outcome {
        case .delivered:
            return .delivered
        case .retry(let reason, let after):
            // This attempt was counted before the send: `attemptsSinceRetry` does not include it.
            let next = policy.nextAttempt(
                after: due.attemptsSinceRetry + 1, createdAt: due.ageStartedAt, now: now,
                suggested: after.map(\.timeInterval), random: random)
            guard let next else { return .dead(error: "\(reason) (given up: older than delivery.max_age)") }
            return .retry(error: reason, at: next)
        case .failed(let reason):
            return .dead(error: reason)
        case .endpointGone(let reason):
            return .waitForEnable(error: reason)
        case .notAttempted:
            return .notSent
        }
    }

    /// The outcome counts as a failed attempt of the notifier (for its health).
    var isFailure: Bool {
        switch self {
        case .retry, .dead: return true
        case .delivered, .waitForEnable, .notSent: return false
        }
    }

    var error: String? {
        switch self {
        case .retry(let error, _), .dead(let error), .waitForEnable(let error): return error
        case .delivered, .notSent: return nil
        }
    }
}
