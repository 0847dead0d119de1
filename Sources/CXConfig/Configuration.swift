import CXCore
import Foundation

/// Everything cxd reads from YAML, validated and cross-checked: `config/cxd.yaml` and the
/// people, workflow and initiative files it names.
public struct Configuration: Sendable {
    /// The main configuration file, as given.
    public var file: String
    /// Absolute path of the SQLite database (relative paths are resolved against the folder of
    /// the main configuration file), or the PostgreSQL URL without its password.
    public var databasePath: String
    /// The database: a SQLite file or a PostgreSQL server.
    public var database: DatabaseSetting
    public var defaultTimeZone: TimeZone
    public var calendar: WorkCalendar
    /// Reminders found later than this after their time are coalesced into one digest.
    public var downtimeGrace: WorkDuration
    /// In file order.
    public var notifiers: [NotifierConfig]
    public var routes: RouteTable
    public var people: [PersonID: Person]
    public var workflows: [WorkflowID: Workflow]
    public var initiatives: [InitiativeID: InitiativeDefinition]
    /// Retries, ages and concurrency of the dispatcher (`delivery:`).
    public var delivery = DeliverySettings()
    /// Who hears about delivery problems, and through which notifiers (`operators:`).
    public var operators = Operators()
    /// Several nodes on PostgreSQL (`cluster:`).
    public var cluster = ClusterSettings()
    /// The HTTP service (`http:`); nil when not configured.
    public var http: HTTPSettings?
    /// The folder of initiative files (`initiatives:`), as shown in diagnostics.
    public var initiativesFolder: String?
    /// True when `initiatives` holds every initiative of the folder (or of the test that built
    /// this configuration); false when only the main, people and workflow files were read and
    /// the engine takes definitions from its store.
    public var initiativesLoaded = true
    /// Identifies the main, people and workflow files as read (and the rules of this cxd
    /// version): when it changes, every initiative's wake and reconciliation is computed again.
    public var fingerprint = ""

    public init(
        file: String, databasePath: String, defaultTimeZone: TimeZone, calendar: WorkCalendar,
        downtimeGrace: WorkDuration, notifiers: [NotifierConfig], routes: RouteTable,
        people: [PersonID: Person], workflows: [WorkflowID: Workflow], initiatives: [InitiativeID: InitiativeDefinition]
    ) {
        self.file = file
        self.databasePath = databasePath
        database = .sqlite(path: databasePath)
        self.defaultTimeZone = defaultTimeZone
        self.calendar = calendar
        self.downtimeGrace = downtimeGrace
        self.notifiers = notifiers
        self.routes = routes
        self.people = people
        self.workflows = workflows
        self.initiatives = initiatives
    }

    /// The state machine's context for one initiative.
    public func context(for id: InitiativeID) -> InitiativeContext? {
        guard let definition = initiatives[id], let workflow = workflows[definition.workflow] else { return nil }
        return InitiativeContext(
            definition: definition, workflow: workflow, people: people, calendar: calendar,
            defaultTimeZone: defaultTimeZone, downtimeGrace: downtimeGrace)
    }
}

extension Configuration {
    /// When a message of `kind` to `person`, queued at `now`, may first go out: inside the
    /// person's working hours in their time zone (a digest made on Sunday night goes out on
    /// Monday morning), or at once for the kinds listed in `delivery.urgent`.
    public func earliestDelivery(of kind: String, to person: PersonID, at now: Date) -> Date {
        if delivery.urgent.contains(kind) { return now }
        return calendar.deliveryTime(atOrAfter: now, in: people[person]?.zone ?? defaultTimeZone)
    }
}

/// How the dispatcher delivers (`delivery:` in cxd.yaml). Every duration here is elapsed time
/// (seconds, minutes or hours): the parser refuses days, weeks and business days, which have no
/// fixed length.
public struct DeliverySettings: Sendable, Equatable {
    /// A message still undelivered this long after it was queued (or sent again with
    /// `cxd outbox retry`) goes dead.
    public var maximumAge: Duration = .seconds(24 * 3600)
    /// Operator alert kinds that go out at once, day or night (`urgent:`); every other message
    /// to a person waits for their working hours.
    public var urgent: Set<String> = []
    /// The kinds `urgent:` accepts: the operator alerts.
    public static let operatorAlertKinds = [
        "initiative.failed", "notifier.dead_letters", "notifier.disabled", "notifier.failing", "notifier.recovered",
    ]
    /// The first retry waits this long; each further one twice as long…
    public var firstRetry: Duration = .seconds(60)
    /// …up to this.
    public var longestRetry: Duration = .seconds(3600)
    /// Operators are told when every attempt of a notifier has failed for this long, and again
    /// when it recovers (`alert_after`). Messages gone dead are reported at most this often.
    public var alertAfter: Duration = .seconds(15 * 60)
    /// On shutdown, sends in flight get this long to finish before they are cancelled (their
    /// messages stay pending).
    public var shutdownGrace: Duration = .seconds(5)
    /// Batches in flight at once, per notifier.
    public var concurrency = 4
    /// Messages handed to a notifier in one call (one SMTP session, say).
    public var batchSize = 20

    public init() {}
}

/// Several `cxd run` nodes on one PostgreSQL database (`cluster:`): how each takes part.
public struct ClusterSettings: Sendable, Equatable {
    /// This node's name in `cxd status` (default: `HOST-PID`; `cxd run --node` overrides).
    public var node: String?
    /// How often each node writes its heartbeat, and a follower tries to take the lead: a
    /// leader that dies is replaced within about this long (plus the server noticing a
    /// vanished connection, a few seconds).
    public var heartbeat: Duration = .seconds(2)
    /// How long a node's claim on the messages it is sending holds: a node that dies mid-send
    /// leaves them to be sent again (same key) by another after this long. Longer than any
    /// send may take.
    public var claimLease: Duration = .seconds(120)

    public init() {}
}

/// Who is told when delivery itself has a problem (a webhook endpoint gone, say).
public struct Operators: Sendable, Equatable {
    public var people: [PersonID] = []
    /// Notifiers to tell them through; a notifier is never used to report on itself.
    public var notifiers: [String] = []

    public init(people: [PersonID] = [], notifiers: [String] = []) {
        self.people = people
        self.notifiers = notifiers
    }
}

/// A named notifier instance (`notifiers: {log: {type: file, path: …}}`).
public struct NotifierConfig: Sendable, Equatable {
    public var name: String
    public var type: String
    /// The options besides `type`, checked against the type's schema. Options of kind `path`
    /// are already resolved to absolute paths.
    public var options: [String: Document]

    public init(name: String, type: String, options: [String: Document]) {
        self.name = name
        self.type = type
        self.options = options
    }
}

/// What a notifier type accepts besides `type:`; each type registers one (CXNotifiers).
public struct NotifierOptionSchema: Sendable {
    public enum Kind: Sendable, Equatable {
        case string
        /// A file path, resolved against the configuration file's folder.
        case path
        case integer
        case boolean
        case duration
        case stringList
        /// A mapping of strings to strings (e.g. HTTP headers).
        case stringMap
    }

    public var required: [String: Kind]
    public var optional: [String: Kind]

    public init(required: [String: Kind], optional: [String: Kind] = [:]) {
        self.required = required
        self.optional = optional
    }
}

/// Which notifiers a notification goes to: the first rule that matches, else the default.
public struct RouteTable: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        /// Event kinds (`step.overdue`); nil matches every kind.
        public var events: [String]?
        public var initiatives: [InitiativeID]?
        /// Matches initiatives carrying any of these labels.
        public var labels: [String]?
        public var notifiers: [String]
        /// `continue: true`: after this rule matches, later rules are tried too.
        public var continues: Bool

        public init(
            events: [String]? = nil, initiatives: [InitiativeID]? = nil, labels: [String]? = nil, notifiers: [String],
            continues: Bool = false
        ) {
            self.events = events
            self.initiatives = initiatives
            self.labels = labels
            self.notifiers = notifiers
            self.continues = continues
        }

        public func matches(event: String, initiative: InitiativeID, labels initiativeLabels: [String]) -> Bool {
            if let events, !events.contains(event) { return false }
            if let initiatives, !initiatives.contains(initiative) { return false }
            if let labels, !labels.contains(where: initiativeLabels.contains) { return false }
            return true
        }
    }

    public var rules: [Rule]
    public var defaultNotifiers: [String]

    public init(rules: [Rule], defaultNotifiers: [String]) {
        self.rules = rules
        self.defaultNotifiers = defaultNotifiers
    }

    /// The notifiers for one notification: every matching rule up to the first one without
    /// `continue`; when no rule matches, the recipient's preferred notifiers, else the default.
    public func notifiers(event: String, initiative: InitiativeID, labels: [String], preferred: [String] = []) -> [String] {
        resolve(event: event, initiative: initiative, labels: labels, preferred: preferred).notifiers
    }

    /// Where a route decision came from, for `cxd routes test`.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// Rules by their position in `routes.rules` (1-based).
        case rules([Int])
        case preferred
        case defaultRoute

        public var description: String {
            switch self {
            case .rules(let numbers): return "rule" + (numbers.count == 1 ? " " : "s ") + numbers.map(String.init).joined(separator: ", ")
            case .preferred: return "the recipient's preferred notifiers"
            case .defaultRoute: return "the default route"
            }
        }
    }

    public func resolve(
        event: String, initiative: InitiativeID, labels: [String], preferred: [String] = []
    ) -> (notifiers: [String], source: Source) {
        var chosen: [String] = []
        var matched: [Int] = []
        for (index, rule) in rules.enumerated() where rule.matches(event: event, initiative: initiative, labels: labels) {
            matched.append(index + 1)
            for name in rule.notifiers where !chosen.contains(name) { chosen.append(name) }
            if !rule.continues { break }
        }
        if !matched.isEmpty { return (chosen, .rules(matched)) }
        return preferred.isEmpty ? (defaultNotifiers, .defaultRoute) : (preferred, .preferred)
    }
}

/// One problem in the configuration, located in its file.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `path:line:column: message`, the format editors and CI logs understand.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found while loading, all at once, in file order.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
