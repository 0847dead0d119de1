import CXCore
import CXDaemon
import CXEngine
import CXStore
import Foundation
import Prometheus

/// `GET /metrics`: the daemon's own counters and histograms (deliveries, latency, evaluation
/// time: `DaemonMetrics`, kept in `registry`) followed by gauges read from the store at scrape
/// time (initiatives by phase and step, overdue steps, outbox depth and age, survey rounds),
/// so that those are right after a restart and never drift from the database.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// A metrics factory that writes into `registry`, with cxd's histogram buckets.
    public func factory() -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            DaemonMetrics.deliveryLatency: DaemonMetrics.latencyBuckets,
            DaemonMetrics.evaluationDuration: DaemonMetrics.evaluationBuckets,
        ]
        return factory
    }

    func render(engine: Engine, at now: Date) async throws -> String {
        let snapshot = try await engine.store.read { tx in
            (phases: try tx.phaseCounts(at: now), outbox: try tx.outboxDepth(), oldest: try tx.oldestPendingAt(),
             rounds: try tx.roundCounts(), disabled: try tx.disabledNotifiers().map(\.name))
        }
        let gauges = PrometheusCollectorRegistry()
        var byPhase: [String: Int] = [:]
        for row in snapshot.phases.byStep {
            byPhase[row.phase, default: 0] += row.count
            if let step = row.step {
                gauges.makeGauge(descriptor: Self.name("cxd_initiatives_on_step", help: "Active and paused initiatives by their open step"), labels: [("phase", row.phase), ("step", step)]).set(Double(row.count))
            }
        }
        for phase in InitiativeState.Phase.allCases.map(\.rawValue) {
            gauges.makeGauge(descriptor: Self.name("cxd_initiatives", help: "Initiatives by phase"), labels: [("phase", phase)]).set(Double(byPhase[phase] ?? 0))
        }
        gauges.makeGauge(descriptor: Self.name("cxd_steps_overdue", help: "Open steps past their deadline")).set(Double(snapshot.phases.overdue))
        for row in snapshot.outbox {
            gauges.makeGauge(descriptor: Self.name("cxd_outbox_messages", help: "Messages waiting (pending) or given up (dead) in the outbox"), labels: [("status", row.status), ("notifier", row.notifier), ("kind", row.kind)]).set(Double(row.count))
        }
        let depth = snapshot.outbox.filter { $0.status == "pending" }.reduce(0) { $0 + $1.count }
        gauges.makeGauge(descriptor: Self.name("cxd_outbox_depth", help: "Messages waiting for delivery")).set(Double(depth))
        gauges.makeGauge(descriptor: Self.name("cxd_outbox_oldest_pending_age_seconds", help: "Age of the oldest message waiting for delivery (0 when none)"))
            .set(snapshot.oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        for (status, count) in snapshot.rounds.sorted(by: { $0.key < $1.key }) {
            gauges.makeGauge(descriptor: Self.name("cxd_survey_rounds", help: "Survey rounds by status"), labels: [("status", status)]).set(Double(count))
        }
        gauges.makeGauge(descriptor: Self.name("cxd_notifiers_disabled", help: "Notifiers taken out of service because their endpoint is gone"))
            .set(Double(snapshot.disabled.count))
        return Self.withHelp(registry.emitToString()) + gauges.emitToString()
    }

    /// What the daemon's own metrics mean. swift-metrics has no place for help text (its
    /// Prometheus factory registers every metric with none, and the registry refuses a second
    /// registration with other text), so `withHelp` adds it to the exposition.
    static let help: [String: String] = [
        DaemonMetrics.deliveries: "Messages the dispatcher finished an attempt with, by notifier, kind and outcome (delivered, failed: will be retried, dead)",
        DaemonMetrics.deliveryLatency: "Seconds from when a message was due to its delivery",
        DaemonMetrics.evaluations: "Scheduler passes over the due initiatives, by result (ok; failed: the store did not answer)",
        DaemonMetrics.evaluationDuration: "Seconds one scheduler pass over the due initiatives took",
    ]

    /// `text` with a `# HELP` line before each `# TYPE` line of a metric `help` describes.
    static func withHelp(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.split(separator: " ").dropFirst(2).first, let help = help[String(name)],
                lines.last?.hasPrefix("# HELP \(name) ") != true
            {
                lines.append("# HELP \(name) \(help)")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func name(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
