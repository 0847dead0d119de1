import CXConfig
import CXCore
import CXEngine
import CXSurveys
import Foundation
import Hummingbird

/// Who reads a dashboard page and how to show it to them: their language, their time zone
/// (a signed-in person's own, else the configuration's), and what they may do.
struct DashboardView {
    let lang: String
    let strings: [String: String]
    let zone: TimeZone
    let session: Authenticator.Session?
    /// The CSRF token the page's forms carry (only when signed in).
    let csrf: String?

    init(site: Site, request: Request, session: Authenticator.Session?) {
        lang = Pages.language(of: request)
        strings = Strings.table[lang] ?? Strings.english
        self.session = session
        csrf = session.map(site.authenticator.csrfToken(for:))
        if case .person(let id) = session?.subject, let person = site.configuration.people[id] {
            zone = person.zone
        } else {
            zone = site.configuration.defaultTimeZone
        }
    }

    var isAdmin: Bool { session?.subject == .admin }

    var person: PersonID? {
        if case .person(let id) = session?.subject { return id }
        return nil
    }

    /// Whether the reader may act on a step owned by `owner`.
    func mayAct(onStepOwnedBy owner: PersonID?) -> Bool {
        isAdmin || (person != nil && person == owner)
    }

    func word(_ key: String) -> String { strings[key] ?? Strings.english[key] ?? key }

    /// `2026-12-07 09:30`, in the reader's time zone.
    func time(_ date: Date?) -> String {
        guard let date else { return "–" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `3 d 4 h`, `5 h 10 min`: the two largest units of a span.
    func span(seconds: Int) -> String {
        let units = [(86400, word("unit_day")), (3600, word("unit_hour")), (60, word("unit_minute"))]
        var rest = max(seconds, 0)
        let counts = units.map { size, _ in
            defer { rest %= size }
            return rest / size
        }
        guard let first = counts.firstIndex(where: { $0 > 0 }) else { return "0 \(word("unit_minute"))" }
        return (first..<min(first + 2, units.count)).filter { counts[$0] > 0 }.map { "\(counts[$0]) \(units[$0].1)" }
            .joined(separator: " ")
    }

    /// A phase as the reader's language says it.
    func phase(_ phase: String) -> String { word("phase_\(phase)") }

    /// The segments of a step bar: one per step of the workflow, the open one highlighted
    /// (red when overdue), the ones before it done.
    func stepBar(steps: [Step], status: InitiativeStatus) -> [[String: Any]] {
        let current = status.step.flatMap { step in steps.firstIndex { $0.id == step } }
        return steps.enumerated().map { index, step in
            var classes = ["seg"]
            switch status.phase {
            case "completed", "archived": classes.append("done")
            case "active", "paused":
                if let current {
                    if index < current { classes.append("done") }
                    if index == current {
                        classes.append("current")
                        if status.overdueBy != nil { classes.append("late") }
                        if status.phase == "paused" { classes.append("paused") }
                    }
                }
            default: break
            }
            return ["classes": classes.joined(separator: " "), "label": "\(index + 1). \(step.title.text(for: lang))"]
        }
    }

    /// The segments as HTML, made here rather than by the template: a page of 100 rows has
    /// 800 of them, and rendering each through Mustache's dynamic lookups was a third of the
    /// overview's time. (The XML escaping of `SVGText` is valid HTML too.)
    func stepBarHTML(steps: [Step], status: InitiativeStatus) -> String {
        stepBar(steps: steps, status: status).map { segment in
            "<span class=\"\(segment["classes"] as? String ?? "seg")\" title=\"\(SVGText.escape(segment["label"] as? String ?? ""))\"></span>"
        }.joined()
    }


    /// A metric value: one decimal unless whole.
    static func number(_ value: Double) -> String { TrendChart.number(value) }
}
