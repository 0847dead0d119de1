import CXCore
import Foundation

/// The JSON document every notifier receives (one line of the `file` notifier's output).
/// Field names are snake_case and stable; the README documents each one.
public struct NotificationPayload: Codable, Sendable, Equatable {
    /// Payload format version; bumped only on incompatible changes.
    public var version: Int = 1
    /// Idempotency key of this delivery: the same notification always carries the same id.
    public var id: String
    /// `step.started`, `step.reassigned`, `step.due_soon`, `step.overdue`, `step.escalated`,
    /// or `reminder.digest` for the "while cxd was down" summary.
    public var kind: String
    public var createdAt: Date
    public var recipient: Party
    public var subject: String
    public var text: String
    /// Absent for digests, which carry `items` instead.
    public var reminder: Reminder?
    /// For `reminder.digest`: the reminders found late, one entry each.
    public var items: [Reminder]?
    /// For `survey.requested`, `survey.closed`, `cycle.evaluated` and `followup.opened`: the
    /// round, what to ask, the metrics, the verdict, or the answer followed up.
    public var survey: SurveyNotice?

    public init(
        id: String, kind: String, createdAt: Date, recipient: Party, subject: String, text: String,
        reminder: Reminder?, items: [Reminder]?, survey: SurveyNotice? = nil
    ) {
        self.survey = survey
        self.id = id
        self.kind = kind
        self.createdAt = createdAt
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.reminder = reminder
        self.items = items
    }

    public struct Party: Codable, Sendable, Equatable {
        public var id: PersonID
        public var name: String
        public var email: String?
        public var locale: String
        /// IANA time zone; times in messages are shown in it.
        public var timeZone: String?

        public init(id: PersonID, name: String, email: String?, locale: String, timeZone: String? = nil) {
            self.id = id
            self.name = name
            self.email = email
            self.locale = locale
            self.timeZone = timeZone
        }

        /// The party's time zone, UTC when unknown.
        public var zone: TimeZone {
            timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        }
    }

    public struct Reminder: Codable, Sendable, Equatable {
        public var key: String
        public var kind: String
        public var initiative: InitiativeID
        public var initiativeTitle: String
        public var step: StepID
        public var stepTitle: String
        public var cycle: Int
        public var run: Int
        public var owner: Party
        /// The owner's manager, when there is one: email notifiers may copy them on escalations.
        public var ownerManager: Party?
        /// 0 due soon, 1 overdue, 2… escalation levels; absent for assignments.
        public var level: Int?
        public var sequence: Int
        public var dueAt: Date
        public var scheduledAt: Date
        /// One-click actions for this recipient (only when the HTTP service is configured).
        public var links: Links?

        public init(
            key: String, kind: String, initiative: InitiativeID, initiativeTitle: String, step: StepID,
            stepTitle: String, cycle: Int, run: Int, owner: Party, ownerManager: Party? = nil, level: Int?, sequence: Int, dueAt: Date,
            scheduledAt: Date
        ) {
            self.key = key
            self.kind = kind
            self.initiative = initiative
            self.initiativeTitle = initiativeTitle
            self.step = step
            self.stepTitle = stepTitle
            self.cycle = cycle
            self.run = run
            self.owner = owner
            self.ownerManager = ownerManager
            self.level = level
            self.sequence = sequence
            self.dueAt = dueAt
            self.scheduledAt = scheduledAt
        }
    }

    /// The one-click links of a reminder: GET shows a confirmation page, POST acts.
    public struct Links: Codable, Sendable, Equatable {
        /// Completes the step; only in the owner's reminders.
        public var done: String?
        public var acknowledge: String?
        public var snoozeDay: String?
        public var snoozeWeek: String?

        public init(done: String? = nil, acknowledge: String? = nil, snoozeDay: String? = nil, snoozeWeek: String? = nil) {
            self.done = done
            self.acknowledge = acknowledge
            self.snoozeDay = snoozeDay
            self.snoozeWeek = snoozeWeek
        }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Statistics can be infinite or undefined (a t statistic with no spread): JSON has no
        // such numbers, so they are written as strings rather than failing the encoding.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}
