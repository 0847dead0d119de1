import CXConfig
import CXCore
import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

@Suite("Webhook body formats")
struct WebhookFormatTests {
    @Test("cloudevents wraps the payload in a CloudEvents 1.0 structured-mode envelope")
    func cloudEventsEnvelope() async throws {
        let receiver = try await WebhookReceiver(secrets: [WebhookFixtures.secret])
        let notifier = try WebhookFixtures.notifier(
            ["url": .string(receiver.url), "secret_env": .string("S"), "format": .string("cloudevents")],
            environment: NotifierEnvironment(variables: ["S": WebhookFixtures.secret]))
        let payload = WebhookFixtures.escalation()

        #expect(await notifier.deliver(try WebhookFixtures.message(payload)) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.verified)
        #expect(request.headers["content-type"] == "application/cloudevents+json")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(event["specversion"] as? String == "1.0")
        #expect(event["id"] as? String == payload.id)
        #expect(event["source"] as? String == "cxd")
        #expect(event["type"] as? String == "io.cxd.step.escalated")
        #expect(event["time"] as? String == "2027-03-01T02:00:00Z")
        #expect(event["datacontenttype"] as? String == "application/json")
        let data = try JSONSerialization.data(withJSONObject: try #require(event["data"]))
        #expect(try NotificationPayload.decoder.decode(NotificationPayload.self, from: data) == payload)
    }

    @Test("a Slack-style template renders valid JSON even when the subject has quotes, backslashes and newlines")
    func templateRendersValidJSON() async throws {
        let receiver = try await WebhookReceiver()
        let folder = TemporaryDirectory()
        try folder.write("slack.json.mustache", """
            {"text": "*{{subject}}*\\n{{text}}", "username": "cxd", "kind": "{{kind}}", "owner": "{{reminder.owner.name}}"}

            """)
        let notifier = try WebhookFixtures.notifier([
            "url": .string(receiver.url), "sign": .bool(false), "format": .string("template"),
            "template": .string(folder.file("slack.json.mustache")),
        ])
        let title = "Gọi \"khách\" \\ VIP\nngay"
        let payload = WebhookFixtures.overdue(stepTitle: title)

        #expect(await notifier.deliver(try WebhookFixtures.message(payload)) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: String])
        let rendered = MessageTemplates.builtIn.render(payload, zone: payload.recipient.zone)
        #expect(body["text"] == "*\(rendered.subject)*\n\(rendered.text)")
        #expect(body["text"]?.contains("Quá hạn: Gọi \"khách\" \\ VIP") == true)
        #expect(body["kind"] == "step.overdue")
        #expect(body["owner"] == "Nguyễn Thị Lan")
    }

    @Test("a chat template can offer the reminder's one-click actions as buttons")
    func chatTemplateCarriesTheActionLinks() async throws {
        let receiver = try await WebhookReceiver()
        let folder = TemporaryDirectory()
        try folder.write("chat.json.mustache", """
            {"text": "{{subject}}", "actions": [{{#link_done}}{"type": "button", "text": "Done", "url": "{{link_done}}"},{{/link_done}}\
            {"type": "button", "text": "Acknowledge", "url": "{{link_ack}}"}, {"type": "button", "text": "Snooze 1 day", "url": "{{reminder.links.snooze_day}}"}]}

            """)
        let notifier = try WebhookFixtures.notifier([
            "url": .string(receiver.url), "sign": .bool(false), "format": .string("template"),
            "template": .string(folder.file("chat.json.mustache")),
        ])
        var payload = WebhookFixtures.overdue()
        let base = "https://cxd.example.com/a/"
        payload.reminder?.links = NotificationPayload.Links(
            done: base + "d.1", acknowledge: base + "a.2", snoozeDay: base + "s.3", snoozeWeek: base + "w.4")

        #expect(await notifier.deliver(try WebhookFixtures.message(payload)) == .delivered)

        let request = try #require(try receiver.requests().first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        let actions = try #require(body["actions"] as? [[String: String]])
        #expect(actions.map { $0["url"] } == [base + "d.1", base + "a.2", base + "s.3"])
        #expect(actions.map { $0["text"] } == ["Done", "Acknowledge", "Snooze 1 day"])
    }

    @Test("a template with another content type is sent with it, values unescaped")
    func templateWithPlainTextContentType() async throws {
        let receiver = try await WebhookReceiver()
        let folder = TemporaryDirectory()
        try folder.write("plain.mustache", "{{subject}} <{{recipient_name}}>")
        let notifier = try WebhookFixtures.notifier([
            "url": .string(receiver.url), "sign": .bool(false), "format": .string("template"),
            "template": .string(folder.file("plain.mustache")), "content_type": .string("text/plain; charset=utf-8"),
        ])
        let payload = WebhookFixtures.overdue(stepTitle: "A \"quoted\" step")

        #expect(await notifier.deliver(try WebhookFixtures.message(payload)) == .delivered)

        let request = try #require(try receiver.requests().first)
        #expect(request.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(request.body == "Quá hạn: A \"quoted\" step — Cải thiện trải nghiệm <Nguyễn Thị Lan>")
    }

    @Test("a broken template is a setup error naming its file, line and column")
    func brokenTemplateIsSetupError() throws {
        let folder = TemporaryDirectory()
        try folder.write("broken.mustache", "{\"text\": \"{{subject}}\",\n  \"x\": \"{{#items}}{{/item}}\"}\n")
        let path = folder.file("broken.mustache")
        let error = try #require(WebhookFixtures.setupError([
            "url": .string("https://hooks.example.com/x"), "sign": .bool(false), "format": .string("template"),
            "template": .string(path),
        ]))
        #expect(error.notifier == "hook")
        #expect(error.message.hasPrefix("\(path):2:"))
        #expect(error.message.contains("invalid Mustache template"))
    }

    @Test("an error on a template's first line has a column counted from the file's own first character")
    func firstLineColumnIgnoresThePragma() throws {
        let folder = TemporaryDirectory()
        try folder.write("first.mustache", "{{#a}}")
        let path = folder.file("first.mustache")
        let error = try #require(WebhookFixtures.setupError([
            "url": .string("https://hooks.example.com/x"), "sign": .bool(false), "format": .string("template"),
            "template": .string(path),
        ]))
        let position = error.message.dropFirst(path.count + 1).prefix { $0 != " " }
        let parts = position.split(separator: ":")
        #expect(parts.first == "1")
        let column = try #require(Int(parts.dropFirst().first ?? ""))
        #expect((1...7).contains(column))
    }
}
