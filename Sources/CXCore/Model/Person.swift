import Foundation

/// Someone who owns steps or receives escalations (`config/people.yaml`).
public struct Person: Codable, Sendable, Equatable {
    public var id: PersonID
    public var name: String
    public var email: String?
    /// IANA time zone identifier, e.g. `Asia/Ho_Chi_Minh`.
    public var timeZone: String
    /// Who receives escalations addressed to `manager`.
    public var manager: PersonID?
    /// Preferred language of messages (`en`, `vi`).
    public var locale: String
    /// Preferred notifiers: used when no route rule matches a notification to this person.
    public var notifiers: [String]

    public init(
        id: PersonID, name: String, email: String? = nil, timeZone: String,
        manager: PersonID? = nil, locale: String = "en", notifiers: [String] = []
    ) {
        self.notifiers = notifiers
        self.id = id
        self.name = name
        self.email = email
        self.timeZone = timeZone
        self.manager = manager
        self.locale = locale
    }

    /// The person's time zone; identifiers are validated at load time, UTC is the fallback.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}
