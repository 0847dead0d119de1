import CXStore
import Foundation
import Metrics

/// What the daemon measures as it works, through swift-metrics: `cxd run` bootstraps a
/// Prometheus registry that `GET /metrics` shows; elsewhere (tests, one-shot commands) the
/// metrics system is a no-op. State the store holds (initiatives per phase, outbox depth) is
/// read at scrape time instead, so that it is right after a restart.
public enum DaemonMetrics {
    public static let deliveries = "cxd_deliveries_total"
    public static let deliveryLatency = "cxd_delivery_latency_seconds"
    public static let evaluationDuration = "cxd_scheduler_evaluation_seconds"
    public static let evaluations = "cxd_scheduler_evaluations_total"

    /// Buckets of the delivery latency (from the moment a message was due to its delivery)
    /// and of an evaluation's duration.
    public static let latencyBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2), .seconds(5), .seconds(15), .seconds(60), .seconds(300),
    ]
    public static let evaluationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .seconds(1),
        .seconds(5), .seconds(30),
    ]

    /// One message's outcome, once recorded (after its transaction committed).
    static func record(_ outcome: RecordedOutcome) {
        Counter(label: deliveries, dimensions: [("notifier", outcome.notifier), ("kind", outcome.kind), ("outcome", outcome.result)])
            .increment()
        if outcome.result == "delivered", let latency = outcome.latency {
            Metrics.Timer(label: deliveryLatency, dimensions: [("notifier", outcome.notifier)])
                .recordNanoseconds(Int64(max(0, latency) * 1e9))
        }
    }

    static func evaluated(seconds: TimeInterval, failed: Bool) {
        Metrics.Timer(label: evaluationDuration).recordNanoseconds(Int64(max(0, seconds) * 1e9))
        Counter(label: evaluations, dimensions: [("result", failed ? "failed" : "ok")]).increment()
    }
}

/// One message's outcome as the metrics count it.
struct RecordedOutcome: Sendable {
    var notifier: String
    var kind: String
    /// delivered, failed (will be retried) or dead.
    var result: String
    /// Seconds from when the message was due to its delivery.
    var latency: TimeInterval?
}
