import Foundation

/// What a webhook request's body looks like (`format:`).
enum WebhookFormat: Sendable {
    /// The payload JSON as it is, `application/json`.
    case standard
    /// A CloudEvents 1.0 event in structured mode, `application/cloudevents+json`: the payload
    /// is the event's `data`, its id the event id, its kind the type (`io.cxd.<kind>`).
    case cloudEvents
    /// A Mustache file renders the body, sent with `contentType`.
    case template(WebhookTemplate, contentType: String)

    var contentType: String {
        switch self {
        case .standard: return "application/json"
        case .cloudEvents: return "application/cloudevents+json"
        case .template(_, let contentType): return contentType
        }
    }

    /// The request body for an outbox message's payload, or why it cannot be built (a payload
    /// that is not a notification: the message can never be delivered).
    func body(for payload: Data) -> Result<Data, BodyError> {
        switch self {
        case .standard:
            return .success(payload)
        case .cloudEvents:
            guard let raw = JSONValue.parse(payload), case .object = raw,
                  let id = raw["id"]?.stringValue, let kind = raw["kind"]?.stringValue,
                  let time = raw["created_at"]?.stringValue
            else { return .failure(BodyError(reason: "the payload is not a notification (id, kind, created_at)")) }
            let event: JSONValue = .object([
                "specversion": .string("1.0"),
                "id": .string(id),
                "source": .string("cxd"),
                "type": .string("io.cxd." + kind),
                "time": .string(time),
                "datacontenttype": .string("application/json"),
                "data": raw,
            ])
            return .success(event.encoded())
        case .template(let template, _):
            guard let raw = JSONValue.parse(payload),
                  let notification = try? NotificationPayload.decoder.decode(NotificationPayload.self, from: payload)
            else { return .failure(BodyError(reason: "the payload is not a notification")) }
            return .success(template.render(notification, raw: raw))
        }
    }

    struct BodyError: Error {
        var reason: String
    }
}
