import CXCore
import Foundation
import Synchronization

/// The values templates can use (documented in the README): the payload flattened into simple
/// keys, with times formatted in the recipient's time zone.
enum TemplateContext {
    static func make(_ payload: NotificationPayload, zone: TimeZone) -> [String: Any] {
        var context: [String: Any] = [
            "kind": payload.kind,
            "id": payload.id,
            "recipient_id": payload.recipient.id,
            "recipient_name": payload.recipient.name,
            "time_zone": zone.identifier,
            "payload_subject": payload.subject,
            "payload_text": payload.text,
        ]
        for (kind, flag) in kindFlags {
            context[flag] = payload.kind == kind
        }
        if let reminder = payload.reminder {
            context.merge(values(of: reminder, zone: zone)) { _, new in new }
        }
        if let survey = payload.survey {
            context.merge(values(of: survey, zone: zone)) { _, new in new }
        }
        if let items = payload.items {
            context["items"] = items.map { values(of: $0, zone: zone) }
            context["count"] = items.count
        }
        return context
    }

    /// `is_<kind>` for every kind, without its `step.` or `reminder.` prefix (`is_overdue`),
    /// made once: building the names per message was 7 % of queuing a burst of reminders.
    static let kindFlags: [(kind: String, flag: String)] = BuiltInTemplates.kinds.map { kind in
        (kind, "is_" + kind.replacingOccurrences(of: "step.", with: "").replacingOccurrences(of: "reminder.", with: ""))
    }

    static func values(of reminder: NotificationPayload.Reminder, zone: TimeZone) -> [String: Any] {
        var values: [String: Any] = [
            "reminder_kind": reminder.kind,
            "initiative": reminder.initiative,
            "initiative_title": reminder.initiativeTitle,
            "step": reminder.step,
            "step_title": reminder.stepTitle,
            "cycle": reminder.cycle,
            "run": reminder.run,
            "owner_id": reminder.owner.id,
            "owner_name": reminder.owner.name,
            "level": reminder.level ?? 0,
            "sequence": reminder.sequence,
            "due": format(reminder.dueAt, in: zone),
            "due_iso": Timestamp.iso(reminder.dueAt),
            "is_escalation": (reminder.level ?? 0) >= 2,
        ]
        if let links = reminder.links {
            values["has_links"] = true
            if let url = links.done { values["link_done"] = url }
            if let url = links.acknowledge { values["link_ack"] = url }
            if let url = links.snoozeDay { values["link_snooze_1d"] = url }
            if let url = links.snoozeWeek { values["link_snooze_1w"] = url }
        }
        return values
    }

    static func values(of survey: SurveyNotice, zone: TimeZone) -> [String: Any] {
        var values: [String: Any] = [
            "round": survey.round,
            "trigger": survey.trigger,
            "touchpoints": survey.touchpoints.joined(separator: ", "),
            "questions": survey.questions,
            "closes": survey.closesAt.map { format($0, in: zone) } ?? "-",
            "minimum_sample": survey.minimumSample,
            "excluded": survey.excludeRespondents.isEmpty ? false : survey.excludeRespondents.count as Any,
        ]
        if let quota = survey.quota { values["quota"] = quota }
        let metrics = survey.evaluation?.current ?? survey.metrics
        if let metrics {
            values["n"] = metrics.n
            values["metric"] = metrics.kind.rawValue.uppercased()
            values["value"] = metrics.value.map { String(format: "%.1f", $0) } ?? "n/a"
            values["interval"] = metrics.interval.map { String(format: "%.1f–%.1f", $0.lower, $0.upper) } ?? "n/a"
        }
        if let evaluation = survey.evaluation {
            values["outcome"] = evaluation.outcome.rawValue
            values["summary"] = evaluation.summary
        }
        if !survey.followUps.isEmpty {
            let count = max(survey.followUpCount ?? 0, survey.followUps.count)
            values["count"] = count
            // Notices list the first few; the rest are counted (`cxd followups` lists them).
            if count > survey.followUps.count { values["more"] = count - survey.followUps.count }
            values["answers"] = survey.followUps.map { answer -> [String: Any] in
                var item: [String: Any] = [
                    "respondent": answer.respondent, "score": answer.score.map(String.init) ?? "-",
                    "touchpoint": answer.touchpoint ?? "-",
                ]
                if let comment = answer.comment { item["comment"] = comment }
                return item
            }
        }
        return values
    }

    /// `2026-12-07 17:30 GMT+7`, in the recipient's time zone: what a `DateFormatter` with
    /// format `yyyy-MM-dd HH:mm zzz` prints, without building one per message (a burst of
    /// 10,000 reminders spent a fifth of its time there). The date and time are arithmetic;
    /// the zone's short name is asked of a formatter once per zone and offset.
    static func format(_ date: Date, in zone: TimeZone) -> String {
        "\(zone.minuteText(of: date)) \(shortName(of: zone, at: date))"
    }

    private static let shortNames = Mutex<[String: String]>([:])

    /// `GMT+7`, `EST`, `BST`…: the zone's name at `date` (it depends only on the offset then in
    /// force, which is the key).
    static func shortName(of zone: TimeZone, at date: Date) -> String {
        let key = "\(zone.identifier) \(zone.secondsFromGMT(for: date))"
        if let name = shortNames.withLock({ $0[key] }) { return name }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "zzz"
        let name = formatter.string(from: date)
        shortNames.withLock { $0[key] = name }
        return name
    }
}
