/// The templates cxd ships with, in English and Vietnamese. Subjects and texts are plain
/// text; the HTML part wraps the rendered text for email.
enum BuiltInTemplates {
    /// Every kind of notification a template can be written for.
    static let kinds = [
        "step.started", "step.reassigned", "step.due_soon", "step.overdue", "step.escalated", "reminder.digest",
        "survey.requested", "survey.closed", "cycle.evaluated", "followup.opened", "followup.reminders", "notifier.disabled",
        "notifier.test", "initiative.failed", "notifier.failing", "notifier.recovered", "notifier.dead_letters",
    ]

    static var sources: [(MessageTemplates.Key, String)] {
        var result: [(MessageTemplates.Key, String)] = []
        let what = "{{step_title}} — {{initiative_title}}"
        // One-click actions (only when the HTTP service is configured: `http:` in cxd.yaml).
        let linksText = [
            "en": "{{#has_links}}\n{{#link_done}}Done: {{link_done}}\n{{/link_done}}{{#link_ack}}Acknowledge: {{link_ack}}\n{{/link_ack}}"
                + "{{#link_snooze_1d}}Snooze 1 day: {{link_snooze_1d}}\n{{/link_snooze_1d}}{{#link_snooze_1w}}Snooze 1 week: {{link_snooze_1w}}\n{{/link_snooze_1w}}{{/has_links}}",
            "vi": "{{#has_links}}\n{{#link_done}}Hoàn thành: {{link_done}}\n{{/link_done}}{{#link_ack}}Đã biết: {{link_ack}}\n{{/link_ack}}"
                + "{{#link_snooze_1d}}Hoãn nhắc 1 ngày: {{link_snooze_1d}}\n{{/link_snooze_1d}}{{#link_snooze_1w}}Hoãn nhắc 1 tuần: {{link_snooze_1w}}\n{{/link_snooze_1w}}{{/has_links}}",
        ]
        func add(_ kind: String, _ locale: String, subject: String, text: String) {
            let text = kind.hasPrefix("step.") ? text + (linksText[locale] ?? "") : text
            result.append((MessageTemplates.Key(kind: kind, locale: locale, part: .subject), subject))
            result.append((MessageTemplates.Key(kind: kind, locale: locale, part: .text), text))
        }
        add("step.started", "en", subject: "New step for you: \(what)",
            text: "You own step '{{step_title}}' of '{{initiative_title}}' (cycle {{cycle}}). Due {{due}}.\n")
        add("step.started", "vi", subject: "Bước mới cho bạn: \(what)",
            text: "Bạn phụ trách bước '{{step_title}}' của sáng kiến '{{initiative_title}}' (chu kỳ {{cycle}}). Hạn: {{due}}.\n")
        add("step.reassigned", "en", subject: "Step handed to you: \(what)",
            text: "You now own step '{{step_title}}' of '{{initiative_title}}' (cycle {{cycle}}). Due {{due}}.\n")
        add("step.reassigned", "vi", subject: "Bước được giao cho bạn: \(what)",
            text: "Từ nay bạn phụ trách bước '{{step_title}}' của sáng kiến '{{initiative_title}}' (chu kỳ {{cycle}}). Hạn: {{due}}.\n")
        add("step.due_soon", "en", subject: "Due soon: \(what)",
            text: "Step '{{step_title}}' of '{{initiative_title}}' is due {{due}}.\n")
        add("step.due_soon", "vi", subject: "Sắp đến hạn: \(what)",
            text: "Bước '{{step_title}}' của '{{initiative_title}}' sẽ đến hạn vào {{due}}.\n")
        add("step.overdue", "en", subject: "Overdue: \(what)",
            text: "Step '{{step_title}}' of '{{initiative_title}}' was due {{due}} and is overdue. Reminder {{sequence}}.\n")
        add("step.overdue", "vi", subject: "Quá hạn: \(what)",
            text: "Bước '{{step_title}}' của '{{initiative_title}}' đã quá hạn từ {{due}}. Nhắc lần {{sequence}}.\n")
        add("step.escalated", "en", subject: "Escalation, overdue: \(what)",
            text: "{{owner_name}} owns step '{{step_title}}' of '{{initiative_title}}', which was due {{due}} and is overdue. "
                + "You receive this as escalation level {{level}}.\n")
        add("step.escalated", "vi", subject: "Cảnh báo vượt cấp, quá hạn: \(what)",
            text: "{{owner_name}} phụ trách bước '{{step_title}}' của '{{initiative_title}}', hạn {{due}}, và bước này đã quá hạn. "
                + "Bạn nhận thông báo này ở cấp {{level}}.\n")
        add("reminder.digest", "en", subject: "While cxd was down: {{count}} reminder(s)",
            text: "cxd was not running when these reminders fell due; here they are in one message:\n"
                + "{{#items}}- {{step_title}} — {{initiative_title}} (due {{due}}{{#is_escalation}}, escalation level {{level}}{{/is_escalation}})\n"
                + "{{#link_done}}  Done: {{link_done}}\n{{/link_done}}{{#link_ack}}  Acknowledge: {{link_ack}}\n{{/link_ack}}{{/items}}")
        add("reminder.digest", "vi", subject: "Trong lúc cxd tạm dừng: {{count}} lời nhắc",
            text: "cxd đã không chạy khi các lời nhắc sau đến hạn; đây là bản tóm tắt:\n"
                + "{{#items}}- {{step_title}} — {{initiative_title}} (hạn {{due}}{{#is_escalation}}, cấp {{level}}{{/is_escalation}})\n"
                + "{{#link_done}}  Hoàn thành: {{link_done}}\n{{/link_done}}{{#link_ack}}  Đã biết: {{link_ack}}\n{{/link_ack}}{{/items}}")
        add("survey.requested", "en", subject: "Survey round {{round}} is open: {{initiative_title}}",
            text: "Please send out survey round {{round}} of '{{initiative_title}}' ({{trigger}}) until {{closes}}.\n"
                + "Touchpoints: {{touchpoints}}\n{{#questions}}- {{.}}\n{{/questions}}"
                + "At least {{minimum_sample}} answers are needed{{#quota}}; the round closes at {{quota}}{{/quota}}.\n"
                + "{{#excluded}}Leave out {{excluded}} respondent(s) asked too often lately (see the payload).\n{{/excluded}}")
        add("survey.requested", "vi", subject: "Đợt khảo sát {{round}} đã mở: {{initiative_title}}",
            text: "Vui lòng gửi đợt khảo sát {{round}} của '{{initiative_title}}' ({{trigger}}) đến hết {{closes}}.\n"
                + "Điểm chạm: {{touchpoints}}\n{{#questions}}- {{.}}\n{{/questions}}"
                + "Cần ít nhất {{minimum_sample}} câu trả lời{{#quota}}; đợt khảo sát đóng khi đủ {{quota}}{{/quota}}.\n"
                + "{{#excluded}}Không gửi cho {{excluded}} khách hàng đã được hỏi quá nhiều gần đây (xem payload).\n{{/excluded}}")
        add("survey.closed", "en", subject: "Survey round {{round}} closed: {{initiative_title}}",
            text: "Round {{round}} of '{{initiative_title}}' closed with {{n}} answer(s): {{metric}} {{value}} (95% CI {{interval}}).\n")
        add("survey.closed", "vi", subject: "Đợt khảo sát {{round}} đã đóng: {{initiative_title}}",
            text: "Đợt {{round}} của '{{initiative_title}}' đóng với {{n}} câu trả lời: {{metric}} {{value}} (khoảng tin cậy 95% {{interval}}).\n")
        add("cycle.evaluated", "en", subject: "Cycle {{cycle}} evaluated ({{outcome}}): {{initiative_title}}",
            text: "{{summary}}\n")
        add("cycle.evaluated", "vi", subject: "Đánh giá chu kỳ {{cycle}} ({{outcome}}): {{initiative_title}}",
            text: "{{summary}}\n")
        add("followup.opened", "en", subject: "{{count}} unhappy customer(s) to get back to: {{initiative_title}}",
            text: "Please get back to these customers by {{due}}:\n"
                + "{{#answers}}- {{respondent}} ({{touchpoint}}, score {{score}}){{#comment}}: \"{{comment}}\"{{/comment}}\n{{/answers}}"
                + "{{#more}}…and {{more}} more: `cxd followups --initiative {{initiative}}` lists them all.\n{{/more}}"
                + "`cxd followups close ID` when done.\n")
        add("followup.opened", "vi", subject: "{{count}} khách hàng chưa hài lòng cần liên hệ lại: {{initiative_title}}",
            text: "Vui lòng liên hệ lại các khách hàng sau trước {{due}}:\n"
                + "{{#answers}}- {{respondent}} ({{touchpoint}}, điểm {{score}}){{#comment}}: \"{{comment}}\"{{/comment}}\n{{/answers}}"
                + "{{#more}}…và {{more}} khách hàng khác: chạy `cxd followups --initiative {{initiative}}` để xem tất cả.\n{{/more}}"
                + "Chạy `cxd followups close ID` khi đã xong.\n")
        add("followup.reminders", "en", subject: "{{count}} follow-up(s) with unhappy customers need you",
            text: "{{#items}}- {{step_title}} — {{initiative_title}}: due {{due}}{{#is_escalation}} (escalated to you, owner {{owner_name}}){{/is_escalation}}\n{{/items}}"
                + "`cxd followups` lists them.\n")
        add("followup.reminders", "vi", subject: "{{count}} việc liên hệ lại khách hàng đang chờ bạn",
            text: "{{#items}}- {{step_title}} — {{initiative_title}}: hạn {{due}}{{#is_escalation}} (báo cáo vượt cấp, người phụ trách {{owner_name}}){{/is_escalation}}\n{{/items}}"
                + "Chạy `cxd followups` để xem danh sách.\n")
        for locale in ["en", "vi"] {
            add("notifier.disabled", locale, subject: "{{payload_subject}}", text: "{{payload_text}}\n")
            add("notifier.test", locale, subject: "{{payload_subject}}", text: "{{payload_text}}\n")
            add("initiative.failed", locale, subject: "{{payload_subject}}", text: "{{payload_text}}\n")
            for kind in ["notifier.failing", "notifier.recovered", "notifier.dead_letters"] {
                add(kind, locale, subject: "{{payload_subject}}", text: "{{payload_text}}\n")
            }
        }
        for locale in ["en", "vi"] {
            result.append((
                MessageTemplates.Key(kind: "any", locale: locale, part: .html),
                """
                <!DOCTYPE html>
                <html lang="\(locale)"><head><meta charset="utf-8"><title>{{subject}}</title></head>
                <body style="font-family: sans-serif; line-height: 1.4">
                <h2 style="font-size: 1.1em">{{subject}}</h2>
                <pre style="font-family: inherit; white-space: pre-wrap">{{text}}</pre>
                {{#has_links}}<p>\(Self.button("link_done", locale == "vi" ? "Hoàn thành" : "Done", primary: true))\(Self.button("link_ack", locale == "vi" ? "Đã biết" : "Acknowledge"))\(Self.button("link_snooze_1d", locale == "vi" ? "Hoãn 1 ngày" : "Snooze 1 day"))\(Self.button("link_snooze_1w", locale == "vi" ? "Hoãn 1 tuần" : "Snooze 1 week"))</p>{{/has_links}}
                <p style="color: #777; font-size: 0.85em">cxd · {{initiative}}{{#cycle}} · cycle {{cycle}}{{/cycle}}</p>
                </body></html>

                """))
        }
        return result
    }

    /// A link styled as a button in the HTML part of an email.
    static func button(_ key: String, _ label: String, primary: Bool = false) -> String {
        let colours = primary ? "background: #1a7f37; color: #fff" : "background: #eef1f4; color: #1f2328"
        return "{{#\(key)}}<a href=\"{{\(key)}}\" style=\"display: inline-block; margin: 0 .4em .4em 0; padding: .45em .9em; "
            + "border-radius: 6px; text-decoration: none; \(colours)\">\(label)</a>{{/\(key)}}"
    }
}
