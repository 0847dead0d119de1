import CXConfig
import CXCore
import CXEngine
import CXStore
import CXSurveys
import Foundation
import HTTPTypes
import Hummingbird

/// The values each dashboard page's template gets (web/templates/index, initiative, log and
/// person): everything made into text here, in the reader's language and time zone, so that
/// the templates only place it (and Mustache escapes it).
extension Site {
    // MARK: - `/`

    func overview(_ request: Request, view: DashboardView) async throws -> Response {
        let after = request.uri.queryParameters["after"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let now = clock()
        let listing = try await engine.initiatives(
            phase: nil, owner: nil, overdue: false, after: after, limit: Self.overviewPageSize, at: now)
        let extras = try await OverviewExtras.read(for: listing.items.map(\.id), engine: engine)
        let rows = listing.items.map { status -> [String: Any] in
            let extra = extras.rows[status.id]
            var row = statusValues(status, steps: extra?.steps ?? [], view: view)
            if let extra, let metricName = extra.metricName {
                row["metric_name"] = metricName
                if let metric = extra.metric, let value = metric.value {
                    row["metric_value"] = DashboardView.number(value)
                    if let interval = metric.interval {
                        row["metric_interval"] = "\(DashboardView.number(interval.lower))–\(DashboardView.number(interval.upper))"
                    }
                    row["metric_n"] = metric.n
                    if let target = extra.target { row["metric_met"] = value >= target }
                }
                if let target = extra.target { row["metric_target"] = DashboardView.number(target) }
            }
            return row
        }
        var values: [String: Any] = ["rows": rows, "empty": rows.isEmpty, "zone": view.zone.identifier]
        if let next = listing.next { values["next_href"] = "/?after=\(Self.queryValue(next))" }
        if after != nil { values["first_href"] = "/" }
        return page("index", title: view.word("nav_initiatives"), values: values, request: request)
    }

    /// What the overview, the initiative page and the person page show of a status line.
    func statusValues(_ status: InitiativeStatus, steps: [Step], view: DashboardView) -> [String: Any] {
        var row: [String: Any] = [
            "id": status.id, "href": "/initiatives/\(Self.pathSegment(status.id))", "title": status.title,
            "phase": status.phase, "phase_label": view.phase(status.phase), "cycle": status.cycle,
            "segments_html": view.stepBarHTML(steps: steps, status: status),
        ]
        if let step = status.step {
            let index = steps.firstIndex { $0.id == step }
            row["step_title"] = index.map { steps[$0].title.text(for: view.lang) } ?? status.stepTitle ?? step
            if let index { row["step_position"] = "\(index + 1)/\(steps.count)" }
        }
        if let owner = status.owner {
            row["owner"] = owner
            row["owner_name"] = status.ownerName ?? owner
            row["owner_href"] = "/people/\(Self.pathSegment(owner))"
        }
        if let due = status.dueAt { row["due"] = view.time(due) }
        if let overdue = status.overdueBy {
            row["overdue"] = true
            row["overdue_by"] = view.span(seconds: overdue)
        }
        if let starts = status.startsAt { row["starts"] = view.time(starts) }
        if status.failure != nil { row["failing"] = true }
        return row
    }

    // MARK: - `/initiatives/{id}`

    func initiativePage(_ id: InitiativeID, request: Request, view: DashboardView) async throws -> Response {
        let now = clock()
        // The initiative's definition, read once for the detail, the page and the journey map.
        let configuration = try await engine.withDefinitions(of: [id])
        let scoped = Engine(configuration: configuration, store: engine.store)
        let detail = try await scoped.detail(of: id, at: now)
        let context = configuration.context(for: id)
        let steps = context?.workflow.steps ?? []
        let status = detail.status
        var values = statusValues(status, steps: steps, view: view)
        values["zone"] = view.zone.identifier
        values["big_bar"] = true
        if let goal = context?.definition.goal {
            if let statement = goal.statement { values["goal_statement"] = statement }
            if let by = goal.by { values["goal_by"] = "\(by)" }
        }
        if let done = request.uri.queryParameters["done"].map(String.init), let message = view.strings["done_\(done)"] {
            values["flash"] = message
        }

        // The step timeline, cycle by cycle.
        let cycles = Dictionary(grouping: detail.runs, by: \.cycle).sorted { $0.key < $1.key }.map { cycle, runs -> [String: Any] in
            [
                "cycle": cycle, "cycle_label": view.word("cycle_n").replacingOccurrences(of: "%d", with: String(cycle)),
                "runs": runs.sorted { $0.number < $1.number }.map { run -> [String: Any] in
                    let late = (run.closedAt ?? now) > run.dueAt
                    var item: [String: Any] = [
                        "number": run.number,
                        "step_title": context?.workflow.step(run.step)?.title.text(for: view.lang) ?? run.step, "step": run.step,
                        "owner_name": configuration.people[run.owner]?.name ?? run.owner, "owner_href": "/people/\(Self.pathSegment(run.owner))",
                        "started": view.time(run.startedAt), "due": view.time(run.dueAt), "late": late,
                    ]
                    if let note = run.note, !note.isEmpty { item["note"] = note }
                    if let closed = run.closedAt {
                        item["closed"] = view.time(closed)
                        item["outcome"] = view.word("outcome_\(run.outcome?.rawValue ?? "completed")")
                    } else {
                        item["open"] = true
                    }
                    return item
                },
            ]
        }
        values["cycles"] = cycles
        values["has_runs"] = !cycles.isEmpty

        // The metric trend and the journey map, both SVG made here (no script, no style attribute).
        if let trend = detail.surveys {
            let labels = TrendChart.Labels(
                baseline: view.word("baseline"), target: view.word("target"), round: view.word("round"),
                title: "\(trend.metric): \(view.word("metric_trend"))")
            if let svg = TrendChart(trend: trend, labels: labels).svg() { values["trend_svg"] = svg }
            values["has_rounds"] = !trend.rounds.isEmpty
            values["metric_name"] = trend.metric
            values["trend_rounds"] = trend.rounds.reversed().map { point -> [String: Any] in
                [
                    "round": point.round, "cycle": point.cycle, "status": view.word("round_\(point.status)"), "n": point.n,
                    "value": point.value.map(DashboardView.number) ?? "–",
                    "interval": point.interval.map { "\(DashboardView.number($0.lower))–\(DashboardView.number($0.upper))" } ?? "",
                ]
            }
            if let verdict = trend.lastVerdict {
                values["verdict"] = view.strings["verdict_\(verdict)"] ?? verdict
                if let summary = trend.lastSummary { values["verdict_summary"] = summary }
            }
        }
        if let context, !context.definition.stages.isEmpty {
            values["journey_svg"] = Self.inlineSVG(try await scoped.journeyMap(id).svg())
        }

        // Open follow-ups with customers, and what the reader may do.
        let followUps = try await engine.store.read { tx in try tx.followUps(of: id, openOnly: true, limit: Engine.pageLimit) }
        values["followups"] = followUps.map { followUpValues($0, view: view, now: now, next: nil) }
        values["has_followups"] = !followUps.isEmpty
        values["actions"] = actionValues(status, steps: steps, view: view)

        // The latest audit entries, newest first; the whole log is a page of its own.
        values["events"] = detail.recentEvents.reversed().map { eventValues($0, view: view) }
        values["log_href"] = "/initiatives/\(Self.pathSegment(id))/log"
        values["api_href"] = "/api/v1/initiatives/\(Self.pathSegment(id))"
        return page("initiative", title: status.title, values: values, request: request)
    }

    /// The forms for the reader's allowed actions on the open step (none when signed out).
    func actionValues(_ status: InitiativeStatus, steps: [Step], view: DashboardView) -> [String: Any] {
        guard let csrf = view.csrf, ["active", "paused"].contains(status.phase), view.mayAct(onStepOwnedBy: status.owner) else {
            return [:]
        }
        let base = "/initiatives/\(Self.pathSegment(status.id))/actions"
        var values: [String: Any] = ["csrf": csrf, "base": base, "step": status.step ?? ""]
        if status.phase == "active", status.step != nil {
            values["can_work"] = true
        }
        values["can_pause"] = status.phase == "active"
        values["can_resume"] = status.phase == "paused"
        if view.isAdmin {
            values["can_reopen"] = true
            values["reopen_steps"] = steps.map { ["id": $0.id, "title": "\($0.title.text(for: view.lang))"] }
        }
        values["any"] = true
        return values
    }

    func followUpValues(_ followUp: FollowUp, view: DashboardView, now: Date, next: String?) -> [String: Any] {
        followUpValues(
            id: followUp.id, initiative: followUp.initiative, respondent: followUp.answer.respondent, touchpoint: followUp.answer.touchpoint,
            score: followUp.answer.score, comment: followUp.answer.comment, owner: followUp.run.owner, dueAt: followUp.run.dueAt,
            view: view, now: now, next: next)
    }

    func followUpValues(
        id: Int64, initiative: InitiativeID, respondent: String, touchpoint: String?, score: Int?, comment: String?, owner: PersonID,
        dueAt: Date, view: DashboardView, now: Date, next: String?
    ) -> [String: Any] {
        var item: [String: Any] = [
            "id": id, "initiative": initiative, "initiative_href": "/initiatives/\(Self.pathSegment(initiative))",
            "respondent": respondent, "score": score.map(String.init) ?? "–",
            "owner_name": configuration.people[owner]?.name ?? owner, "due": view.time(dueAt), "overdue": dueAt < now,
        ]
        // On a person's page (`next`), a follow-up names its initiative rather than its owner.
        if next != nil { item["elsewhere"] = true }
        if let touchpoint { item["touchpoint"] = touchpoint }
        if let comment, !comment.isEmpty { item["comment"] = comment }
        if let csrf = view.csrf, view.mayAct(onStepOwnedBy: owner) {
            item["close_action"] = "/followups/\(id)/close" + (next.map { "?next=\(Self.queryValue($0))" } ?? "")
            item["csrf"] = csrf
        }
        return item
    }

    func eventValues(_ event: EventRecord, view: DashboardView) -> [String: Any] {
        let entry = event.entry
        let details = entry.details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " · ")
        return [
            "id": event.id.map { String($0) } ?? "", "at": view.time(entry.at), "kind": entry.kind, "actor": entry.actor ?? "",
            "step": entry.step ?? "", "cycle": entry.cycle, "details": details,
        ]
    }

    /// An SVG document as an element inside HTML (without its XML declaration).
    static func inlineSVG(_ document: String) -> String {
        guard document.hasPrefix("<?xml"), let end = document.range(of: "?>") else { return document }
        return String(document[end.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: - `/initiatives/{id}/log`

    func logPage(_ id: InitiativeID, request: Request, view: DashboardView) async throws -> Response {
        let after = request.uri.queryParameters["after"].flatMap { Int64(String($0)) }
        let listed = try await engine.events(of: id, after: after, limit: Self.logPageSize)
        let events = listed.items
        let title = try await engine.store.read { tx in try tx.statusRow(of: id)?.title } ?? id
        var values: [String: Any] = [
            "id": id, "title": title, "href": "/initiatives/\(Self.pathSegment(id))", "events": events.map { eventValues($0, view: view) },
            "zone": view.zone.identifier, "empty": events.isEmpty,
        ]
        if listed.hasMore, let last = events.last?.id {
            values["next_href"] = "/initiatives/\(Self.pathSegment(id))/log?after=\(last)"
        }
        return page("log", title: "\(view.word("audit_log")) · \(title)", values: values, request: request)
    }

    // MARK: - `/people/{id}`

    func personPage(_ id: PersonID, request: Request, view: DashboardView) async throws -> Response {
        let now = clock()
        let tasks = try await engine.tasks(of: id, at: now)
        let here = "/people/\(Self.pathSegment(id))"
        let definitions = try await OverviewExtras.read(for: tasks.steps.map(\.id), engine: engine)
        var values: [String: Any] = [
            "id": id, "name": tasks.name, "zone": view.zone.identifier,
            "steps": tasks.steps.map { statusValues($0, steps: definitions.rows[$0.id]?.steps ?? [], view: view) },
            "has_steps": !tasks.steps.isEmpty,
            "followups": tasks.followUps.map { task in
                followUpValues(
                    id: task.id, initiative: task.initiative, respondent: task.respondent, touchpoint: task.touchpoint, score: task.score,
                    comment: task.comment, owner: id, dueAt: task.dueAt, view: view, now: now, next: here)
            },
            "has_followups": !tasks.followUps.isEmpty,
        ]
        if let done = request.uri.queryParameters["done"].map(String.init), let message = view.strings["done_\(done)"] {
            values["flash"] = message
        }
        // The feed's URL holds a secret: only its owner (signed in) and admins see it.
        if view.isAdmin || view.person == id, let http {
            let token = try await engine.calendarToken(of: id)
            values["calendar_url"] =
                "\(http.publicURL)/calendar/\(Self.pathSegment(id)).ics?token=\(token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? token)"
        }
        return page("person", title: tasks.name, values: values, request: request)
    }
}
