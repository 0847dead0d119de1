import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

/// Renders status reports for the terminal.
enum StatusPrinter {
    static func table(_ report: StatusReport, zone: TimeZone) -> String {
        let rows = report.initiatives.map { item -> [Table.Cell] in
            let phaseColor: Table.Color? = switch item.phase {
            case "active": item.overdueBy == nil ? .green : .red
            case "paused", "pending", "unregistered": .yellow
            case "unreadable": .red
            default: .dim
            }
            let step = item.step.map { step in item.stepTitle.map { "\(step) (\($0))" } ?? step }
            let due = item.phase == "pending" || item.phase == "unregistered"
                ? "starts " + Format.time(item.startsAt, in: zone) : Format.time(item.dueAt, in: zone)
            return [
                Table.Cell(item.id), Table.Cell(item.title), Table.Cell(item.phase, phaseColor),
                Table.Cell(String(item.cycle)), Table.Cell(step ?? "-"),
                Table.Cell(item.ownerName ?? item.owner ?? "-"), Table.Cell(due),
                Table.Cell(item.overdueBy.map { Format.span(seconds: $0) } ?? "-", item.overdueBy == nil ? nil : .red),
                Table.Cell(Format.time(item.lastReminderAt, in: zone)),
            ]
        }
        let table = Table(
            headers: ["ID", "TITLE", "PHASE", "CYCLE", "STEP", "OWNER", "DUE", "OVERDUE BY", "LAST REMINDER"],
            rows: rows)
        let outbox = report.outbox
        var health = "outbox: \(outbox.pending) pending, \(outbox.delivered) delivered, \(outbox.dead) dead"
        if let oldest = outbox.oldestPendingAt {
            health += "; oldest pending since \(Format.time(oldest, in: zone))"
        }
        for disabled in outbox.disabledNotifiers {
            health += "\nnotifier \(disabled.name) DISABLED since \(Format.time(disabled.disabledAt, in: zone)): \(disabled.reason)"
                + " (`cxd notify enable \(disabled.name)`)"
        }
        if outbox.dead > 0 { health += "\n`cxd outbox --status dead` lists the dead letters" }
        for item in report.initiatives {
            guard let failure = item.failure else { continue }
            health += "\ninitiative \(item.id) FAILING since \(Format.time(failure.since, in: zone)): \(failure.error)"
                + " (the others go on; retried every few minutes)"
        }
        if !report.nodes.isEmpty {
            let nodes = Table(
                headers: ["NODE", "HOST", "PID", "ROLE", "STARTED", "LAST HEARTBEAT"],
                rows: report.nodes.map { node in
                    let color: Table.Color? = switch node.role {
                    case "leader": .green
                    case "silent": .red
                    case "stopped": .dim
                    default: nil
                    }
                    return [
                        Table.Cell(node.id), Table.Cell(node.host), Table.Cell(String(node.pid)), Table.Cell(node.role, color),
                        Table.Cell(Format.time(node.startedAt, in: zone)), Table.Cell(Self.clockTime(node.heartbeatAt, in: zone)),
                    ]
                })
            let leader = report.nodes.first { $0.role == "leader" }
            health += "\n\n" + nodes.render() + "\n" + (leader.map { "leader: \($0.id)" } ?? "leader: none (a node takes the lead within a few seconds of starting)")
        }
        return table.render() + "\n\n" + health + "\n(times in \(zone.identifier))"
    }

    /// A heartbeat to the second.
    static func clockTime(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    static func detail(_ detail: InitiativeDetail, configuration: Configuration, zone: TimeZone) -> String {
        let status = detail.status
        var lines = [
            "\(status.id): \(status.title)",
            "  phase:          \(status.phase)" + (status.phase == "active" || status.phase == "paused" ? ", cycle \(status.cycle)" : ""),
        ]
        if let step = status.step {
            lines.append("  open step:      \(step)" + (status.stepTitle.map { " — \($0)" } ?? ""))
            lines.append("  owner:          \(status.ownerName ?? "-") (\(status.owner ?? "-"))")
            lines.append("  due:            \(Format.time(status.dueAt, in: zone))"
                + (status.overdueBy.map { "  (overdue by \(Format.span(seconds: $0)))" } ?? ""))
            lines.append("  next reminder:  \(Format.time(status.nextReminderAt, in: zone))")
        } else if let starts = status.startsAt {
            lines.append("  starts:         \(Format.time(starts, in: zone))")
        }
        lines.append("  last reminder:  \(Format.time(status.lastReminderAt, in: zone))")
        if let failure = status.failure {
            lines.append("  FAILING since:  \(Format.time(failure.since, in: zone)): \(failure.error)")
        }
        if !detail.runs.isEmpty {
            lines.append("")
            let rows = detail.runs.map { run -> [Table.Cell] in
                let closed = run.closedAt.map { "\(run.outcome?.rawValue ?? "closed") \(Format.time($0, in: zone))" }
                let late = (run.closedAt ?? Date.distantFuture) > run.dueAt && run.closedAt != nil
                return [
                    Table.Cell(String(run.number)), Table.Cell(String(run.cycle)), Table.Cell(run.step),
                    Table.Cell(configuration.people[run.owner]?.name ?? run.owner),
                    Table.Cell(Format.time(run.startedAt, in: zone)), Table.Cell(Format.time(run.dueAt, in: zone)),
                    Table.Cell(closed ?? "open", closed == nil ? .green : (late ? .yellow : nil)),
                    Table.Cell(run.note ?? ""),
                ]
            }
            lines.append(Table(headers: ["RUN", "CYCLE", "STEP", "OWNER", "STARTED", "DUE", "CLOSED", "NOTE"], rows: rows).render())
        }
        if let trend = detail.surveys {
            lines.append("")
            var steps = ["baseline " + (trend.baseline.map { String(format: "%.1f", $0) } ?? "-")]
            for point in trend.rounds {
                let value = point.value.map { String(format: "%.1f", $0) } ?? "n/a"
                steps.append("round \(point.round) (c\(point.cycle)) \(value) n=\(point.n)" + (point.status == "closed" ? "" : " [\(point.status)]"))
            }
            steps.append("target " + (trend.target.map { String(format: "%.1f", $0) } ?? "-"))
            lines.append("  \(trend.metric) trend:  " + steps.joined(separator: " → "))
            if let verdict = trend.lastVerdict {
                lines.append("  last verdict:   \(verdict)" + (trend.lastSummary.map { " — \($0)" } ?? ""))
            }
        }
        lines.append("")
        lines.append("(times in \(zone.identifier); `cxd history \(status.id)` shows the full audit log)")
        return lines.joined(separator: "\n")
    }

    /// One line after a change: where the initiative stands now.
    static func printSummaryLine(of id: InitiativeID, engine: Engine, now: Date) async throws {
        let detail = try await engine.detail(of: id, at: now)
        let status = detail.status
        let zone = engine.configuration.defaultTimeZone
        if let step = status.step {
            print("\(id): \(status.phase), cycle \(status.cycle), step \(step) owned by \(status.ownerName ?? status.owner ?? "-"), due \(Format.time(status.dueAt, in: zone)) (\(zone.identifier))")
        } else {
            print("\(id): \(status.phase), cycle \(status.cycle)")
        }
    }
}
