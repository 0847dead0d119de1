import CXConfig
import CXCore
import CXEngine
import Foundation
import HTTPTypes
import Hummingbird

/// An iCalendar (RFC 5545) feed of one person's deadlines: their open steps and their open
/// follow-ups, one all-day-less event at each deadline. UIDs are stable (initiative, run;
/// follow-up id), so a calendar app updates an event when its deadline moves.
struct CalendarFeed {
    var person: PersonID
    var name: String
    var tasks: PersonTasks
    var host: String
    var now: Date

    func render() -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cxd//deadlines//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + Self.escape("cxd — \(name)"),
        ]
        for step in tasks.steps {
            guard let due = step.dueAt, let run = step.step else { continue }
            let title = "\(step.stepTitle ?? run) — \(step.title)"
            lines += event(
                uid: "step-\(step.id)-cycle\(step.cycle)-\(run)@\(host)", at: due, summary: title,
                description: "Initiative \(step.id), step \(run), cycle \(step.cycle)\(step.phase == "paused" ? " (paused)" : "")")
        }
        for followUp in tasks.followUps {
            let place = followUp.touchpoint.map { " (\($0))" } ?? ""
            lines += event(
                uid: "followup-\(followUp.id)@\(host)", at: followUp.dueAt, summary: "Follow-up: \(followUp.respondent)\(place)",
                description: "Get back to \(followUp.respondent) (score \(followUp.score.map(String.init) ?? "-")) for \(followUp.initiative)")
        }
        lines.append("END:VCALENDAR")
        return lines.flatMap(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    private func event(uid: String, at due: Date, summary: String, description: String) -> [String] {
        [
            "BEGIN:VEVENT", "UID:" + Self.escape(uid), "DTSTAMP:" + Self.stamp(now), "DTSTART:" + Self.stamp(due),
            "DURATION:PT30M", "SUMMARY:" + Self.escape(summary), "DESCRIPTION:" + Self.escape(description),
            "TRANSP:TRANSPARENT", "END:VEVENT",
        ]
    }

    /// `20261207T103000Z`.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(character)
            }
        }
        return out
    }

    /// Lines longer than 75 octets are folded (§3.1), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> [String] {
        var result: [String] = []
        var current = "", size = 0
        for character in line {
            let width = String(character).utf8.count
            if size + width > (result.isEmpty ? 75 : 74) {
                result.append(result.isEmpty ? current : " " + current)
                current = ""
                size = 0
            }
            current.append(character)
            size += width
        }
        result.append(result.isEmpty ? current : " " + current)
        return result
    }
}

extension Site {
    func addCalendarRoutes(to router: Router<BasicRequestContext>) {
        router.get("/calendar/{file}") { request, context in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".ics") else { throw APIError(.notFound, "calendar feeds end in .ics: /calendar/PERSON.ics?token=…") }
            let person = String(file.dropLast(4))
            guard let token = request.uri.queryParameters["token"].map(String.init), !token.isEmpty,
                configuration.people[person] != nil, try await engine.calendarTokenIsValid(token, for: person)
            else {
                // The same answer for an unknown person and a wrong token: the feed's
                // existence is not revealed.
                throw APIError(.notFound, "no such calendar feed, or its token was revoked (`cxd calendar PERSON` prints the current URL)")
            }
            let feed = CalendarFeed(
                person: person, name: configuration.people[person]?.name ?? person,
                tasks: try await engine.tasks(of: person, at: clock()),
                host: URL(string: http?.publicURL ?? "")?.host ?? "cxd", now: clock())
            return Response.text(feed.render(), contentType: "text/calendar; charset=utf-8", headers: [.cacheControl: "no-store"])
        }
    }
}
