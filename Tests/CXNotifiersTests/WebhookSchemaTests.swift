import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Testing

/// `docs/notification.schema.json` checked with the Python `jsonschema` package against payloads
/// encoded by `NotificationPayload.encoder`.
@Suite("Notification payload JSON Schema (webhook docs)")
struct WebhookSchemaTests {
    static let schemaPath = repositoryRoot().appendingPathComponent("docs/notification.schema.json").path
    static let checkerPath = repositoryRoot().appendingPathComponent("Tests/Support/webhook_schema_check.py").path

    /// Runs the checker on `payloads` (JSON documents); returns the errors per payload, in order.
    func check(_ payloads: [Data]) async throws -> [[String]] {
        try await PythonTools.requireEnvironment()
        let folder = TemporaryDirectory("cxd-schema")
        var paths: [String] = []
        for (index, payload) in payloads.enumerated() {
            let path = folder.file("payload-\(index).json")
            try payload.write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        // Waited for without holding a thread of the cooperative pool.
        let checked = try await ExternalTool(path: PythonTools.python).run([Self.checkerPath, Self.schemaPath] + paths, timeout: 60)
        let text = checked.stdout + checked.stderr
        #expect(checked.status == 0, "\(text)")
        let report = try JSONDecoder().decode([String: [String]].self, from: Data(checked.stdout.utf8))
        return paths.map { report[$0] ?? ["missing from the report"] }
    }

    @Test("a single reminder, an escalation and a digest, as encoded, are valid against the schema")
    func realPayloadsAreValid() async throws {
        let payloads = [WebhookFixtures.overdue(), WebhookFixtures.escalation(), WebhookFixtures.digest()]
        var minimal = WebhookFixtures.overdue(id: "onboarding/1/1/kickoff/started@hook")
        minimal.kind = "step.started"
        minimal.reminder?.level = nil
        minimal.recipient = WebhookFixtures.alice
        let encoded = try (payloads + [minimal]).map { try NotificationPayload.encoder.encode($0) }

        let errors = try await check(encoded)

        #expect(errors == Array(repeating: [], count: encoded.count))
    }

    @Test("payloads that break the schema are reported: a digest without items, a missing recipient, an undocumented field")
    func invalidPayloadsAreRejected() async throws {
        var digest = WebhookFixtures.digest()
        digest.items = nil
        let noItems = try NotificationPayload.encoder.encode(digest)
        var object = try #require(
            try JSONSerialization.jsonObject(with: NotificationPayload.encoder.encode(WebhookFixtures.overdue())) as? [String: Any])
        object["recipient"] = nil
        let noRecipient = try JSONSerialization.data(withJSONObject: object)
        var extra = try #require(
            try JSONSerialization.jsonObject(with: NotificationPayload.encoder.encode(WebhookFixtures.overdue())) as? [String: Any])
        extra["surprise"] = true
        let undocumented = try JSONSerialization.data(withJSONObject: extra)

        let errors = try await check([noItems, noRecipient, undocumented])

        #expect(errors.allSatisfy { !$0.isEmpty })
        #expect(errors[1].contains { $0.contains("recipient") })
        #expect(errors[2].contains { $0.contains("surprise") })
    }
}
