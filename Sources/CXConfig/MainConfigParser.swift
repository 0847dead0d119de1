import CXCore
import Foundation
import Yams

/// `cxd.yaml` as read, before the files it names are loaded and cross-checked.
struct MainConfigDraft {
    /// A path written in `cxd.yaml`, resolved, with the node that wrote it.
    struct PathRef {
        var path: String
        var node: Node
    }

    enum WorkflowSource {
        case folder(PathRef)
        case files([PathRef])
    }

    struct RuleDraft {
        var events: [(String, Node)]?
        var initiatives: [(String, Node)]?
        var labels: [String]?
        var notifiers: [(String, Node)]
        var continues: Bool
    }

    struct OperatorsDraft {
        var people: [(String, Node)]
        var notifiers: [(String, Node)]
    }

    var databasePath: String?
    var database: DatabaseSetting?
    var timeZone: TimeZone?
    var calendar = WorkCalendar()
    /// Default of `downtime_grace`.
    var downtimeGrace: WorkDuration = .minutes(15)
    var workflows: WorkflowSource?
    var people: PathRef?
    var initiatives: PathRef?
    var notifiers: [NotifierConfig] = []
    /// Every name under `notifiers:`, valid or not (routes may name them).
    var notifierNames: [String] = []
    var defaultRoute: [(String, Node)] = []
    var rules: [RuleDraft] = []
    var delivery = DeliverySettings()
    var cluster = ClusterSettings()
    var operators: OperatorsDraft?
    var http: HTTPSettings?
    /// `person` keys of `http.tokens`, checked against the people once they are read.
    var tokenPeople: [(PersonID, Node)] = []
}

/// Reads `cxd.yaml`. Defaults: working days mon–fri, 09:00–17:00, no holidays, `downtime_grace`
/// 15m. Relative paths are resolved against the file's folder (see `Paths`).
struct MainConfigParser {
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    let file: SourceFile
    let folder: String
    let notifierTypes: [String: NotifierOptionSchema]
    /// Builds a notifier whose options fit their schema; nil checks only the schema.
    var check: NotifierCheck? = nil

    func parse(_ root: Node) -> MainConfigDraft {
        var draft = MainConfigDraft()
        guard var reader = MappingReader(root, in: file) else { return draft }
        if let node = reader.required("database") { database(node, into: &draft) }
        if let node = reader.required("time_zone") { draft.timeZone = timeZone(node) }
        if let node = reader.optional("working_hours") { workingHours(node, into: &draft.calendar) }
        if let node = reader.optional("holidays"), let items = file.list(node, of: "dates") {
            draft.calendar.holidays = Set(items.compactMap(file.date))
        }
        if let node = reader.optional("downtime_grace"), let grace = file.duration(node) {
            draft.downtimeGrace = grace
        }
        if let node = reader.required("workflows") { draft.workflows = workflowSource(node) }
        if let node = reader.required("people") { draft.people = pathRef(node) }
        if let node = reader.required("initiatives") { draft.initiatives = pathRef(node, "a folder path") }
        if let node = reader.required("notifiers") {
            let configs = notifiers(node, into: &draft)
            draft.notifiers = configs
        }
        if let node = reader.required("routes") { routes(node, into: &draft) }
        if let node = reader.optional("delivery") { delivery(node, into: &draft.delivery) }
        if let node = reader.optional("operators") { draft.operators = operators(node) }
        if let node = reader.optional("http") { draft.http = http(node, into: &draft) }
        if let node = reader.optional("cluster") { cluster(node, into: &draft.cluster) }
        reader.finish()
        return draft
    }

    /// `delivery: {max_age, first_retry, longest_retry, alert_after, shutdown_grace, concurrency,
    /// batch_size, urgent}`.
    private func delivery(_ node: Node, into settings: inout DeliverySettings) {
        guard var reader = MappingReader(node, in: file) else { return }
        if let value = reader.optional("max_age"), let duration = elapsed(value, "max_age") { settings.maximumAge = duration }
        if let value = reader.optional("first_retry"), let duration = elapsed(value, "first_retry") { settings.firstRetry = duration }
        if let value = reader.optional("longest_retry"), let duration = elapsed(value, "longest_retry") { settings.longestRetry = duration }
        if let value = reader.optional("alert_after"), let duration = elapsed(value, "alert_after") { settings.alertAfter = duration }
        if let value = reader.optional("shutdown_grace"), let duration = elapsed(value, "shutdown_grace") {
            settings.shutdownGrace = duration
        }
        if let value = reader.optional("concurrency"), let number = file.integer(value, atLeast: 1) { settings.concurrency = number }
        if let value = reader.optional("batch_size"), let number = file.integer(value, atLeast: 1) { settings.batchSize = number }
        if let value = reader.optional("urgent") { settings.urgent = urgentKinds(value) }
        reader.finish()
    }

    /// `cluster: {node, heartbeat, claim_lease}`: several nodes on PostgreSQL.
    private func cluster(_ node: Node, into settings: inout ClusterSettings) {
        guard var reader = MappingReader(node, in: file) else { return }
        if let value = reader.optional("node"), let name = file.string(value, "a node name") {
            if name.isEmpty || name.count > 64 || name.contains(where: { $0.isWhitespace }) {
                file.error("expected a node name of 1 to 64 characters without spaces, found '\(name)'", at: value)
            } else {
                settings.node = name
            }
        }
        if let value = reader.optional("heartbeat"), let duration = elapsed(value, "heartbeat") {
            if duration < .seconds(1) || duration > .seconds(60) {
                file.error("expected a heartbeat between 1s and 60s, found \(duration.components.seconds)s", at: value)
            } else {
                settings.heartbeat = duration
            }
        }
        if let value = reader.optional("claim_lease"), let duration = elapsed(value, "claim_lease") {
            if duration < .seconds(5) {
                file.error("expected a claim_lease of at least 5s (longer than any send), found \(duration.components.seconds)s", at: value)
            } else {
                settings.claimLease = duration
            }
        }
        reader.finish()
    }

    /// `urgent: [notifier.failing, …]`: operator alert kinds.
    private func urgentKinds(_ node: Node) -> Set<String> {
        let known = DeliverySettings.operatorAlertKinds
        var kinds: Set<String> = []
        for (kind, item) in file.stringList(node, of: "operator alert kinds (\(known.joined(separator: ", ")))") ?? [] {
            guard known.contains(kind) else {
                file.error(DidYouMean.unknown("operator alert kind", kind, among: known), at: item)
                continue
            }
            kinds.insert(kind)
        }
        return kinds
    }

    /// A duration that must be elapsed time: days, weeks and business days have no fixed length
    /// (a day may have 23 or 25 hours, a business day depends on the calendar) and are refused.
    private func elapsed(_ node: Node, _ key: String) -> Duration? {
        guard let duration = file.duration(node) else { return nil }
        guard let seconds = duration.elapsedSeconds else {
            file.error("expected seconds, minutes or hours for \(key) (like 30s, 30m or 24h), found \(duration)", at: node)
            return nil
        }
        return .seconds(seconds)
    }

    /// `database: PATH` (SQLite), `database: postgres://…`, or
    /// `database: {url: postgres://…, password_file | password_env, ca_file}`.
    private func database(_ node: Node, into draft: inout MainConfigDraft) {
        if case .scalar = node {
            guard let text = file.string(node, "a SQLite file path or a postgres:// URL") else { return }
            if PostgresURL.isPostgres(text) {
                guard let url = postgresURL(text, at: node) else { return }
                draft.database = .postgres(url)
                draft.databasePath = url.redacted
            } else {
                let path = Paths.absolute(Paths.resolve(text, against: folder))
                draft.database = .sqlite(path: path)
                draft.databasePath = path
            }
            return
        }
        guard var reader = MappingReader(node, in: file, expected: "a SQLite file path, a postgres:// URL, or {url, password_file | password_env, ca_file}") else { return }
        if let plain = reader.keyNode("password") {
            file.error("secrets do not belong in YAML: use password_file (a file holding it) or password_env (an environment variable)", at: plain)
            reader.markUsed("password")
        }
        let urlNode = reader.required("url")
        var url = urlNode.flatMap { urlNode in file.string(urlNode, "a postgres:// URL").flatMap { postgresURL($0, at: urlNode) } }
        let password = secret("password", in: &reader)
        if let caNode = reader.optional("ca_file"), let path = file.string(caNode, "a file path") {
            let resolved = Paths.absolute(Paths.resolve(path, against: folder))
            if FileManager.default.isReadableFile(atPath: resolved) { url?.caFile = resolved } else {
                file.error("ca_file: cannot read \(resolved)", at: caNode)
            }
        }
        reader.finish()
        url?.password = password
        guard let url else { return }
        draft.database = .postgres(url)
        draft.databasePath = url.redacted
    }

    private func postgresURL(_ text: String, at node: Node) -> PostgresURL? {
        switch PostgresURL.parse(text) {
        case .success(let url):
            return url
        case .failure(let problem):
            file.error(problem.description, at: node)
            return nil
        }
    }

    /// `http: {listen, public_url, link_key_file | link_key_env, link_lifetime, tokens}`.
    /// Secrets are read here, so that `cxd validate` reports an unreadable one at its key.
    private func http(_ node: Node, into draft: inout MainConfigDraft) -> HTTPSettings? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        var settings: HTTPSettings?
        let listenNode = reader.required("listen")
        if let listenNode, let text = file.string(listenNode, "HOST:PORT, like 127.0.0.1:8787") {
            if let (host, port) = HTTPSettings.listenAddress(text) {
                settings = HTTPSettings(host: host, port: port)
            } else {
                file.error("expected HOST:PORT for listen (like 127.0.0.1:8787 or [::1]:8787), found '\(text)'", at: listenNode)
            }
        }
        if let value = reader.optional("public_url"), let url = file.string(value, "a URL like https://cxd.example.com") {
            if let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil, parsed.query == nil {
                settings?.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                file.error("expected an http or https URL for public_url (like https://cxd.example.com), found '\(url)'", at: value)
            }
        }
        for entry in reader.entries where Self.secretKeys.contains(entry.key) || entry.key == "link_key" {
            file.error(
                "secrets do not belong in YAML: use \(entry.key)_file (a file holding it) or \(entry.key)_env (an environment variable)",
                at: entry.keyNode)
            reader.markUsed(entry.key)
        }
        if let key = secret("link_key", in: &reader) {
            if key.utf8.count < 32 {
                file.error("link_key must be at least 32 characters (for example `openssl rand -hex 32`)", at: reader.keyNode("link_key_file") ?? reader.keyNode("link_key_env") ?? node)
            } else {
                settings?.linkKey = Array(key.utf8)
            }
        }
        if let value = reader.optional("link_lifetime"), let duration = file.duration(value) {
            // A link's lifetime is elapsed time: a day counts 24 hours, whatever the zone.
            let seconds: TimeInterval? = switch duration.unit {
            case .days: TimeInterval(duration.amount) * 86_400
            case .weeks: TimeInterval(duration.amount) * 7 * 86_400
            case .businessDays: nil
            default: duration.elapsedSeconds.map(TimeInterval.init)
            }
            if let seconds, seconds >= 60 { settings?.linkLifetime = seconds } else {
                file.error("expected a lifetime of at least a minute for link_lifetime (like 14d), found \(duration)", at: value)
            }
        }
        var tokens: [HTTPSettings.Token] = []
        if let value = reader.optional("tokens"), let mapping = MappingReader(value, in: file, expected: "a mapping of person id (or admin) to {token_file | token_env}") {
            for entry in mapping.entries {
                guard var tokenReader = MappingReader(entry.value, in: file, expected: "{token_file: FILE} or {token_env: VARIABLE}") else { continue }
                let plain = tokenReader.keyNode("token")
                if let plain {
                    file.error("secrets do not belong in YAML: use token_file (a file holding it) or token_env (an environment variable)", at: plain)
                    tokenReader.markUsed("token")
                }
                let secret = secret("token", in: &tokenReader)
                tokenReader.finish()
                guard let secret else {
                    if plain == nil && tokenReader.keyNode("token_file") == nil && tokenReader.keyNode("token_env") == nil {
                        file.error("give the token of '\(entry.key)' with token_file or token_env", at: entry.keyNode)
                    }
                    continue
                }
                guard secret.utf8.count >= 16 else {
                    file.error("the token of '\(entry.key)' must be at least 16 characters (for example `openssl rand -hex 16`)", at: entry.keyNode)
                    continue
                }
                let subject: HTTPSettings.Subject = entry.key == "admin" ? .admin : .person(entry.key)
                if case .person(let id) = subject { draft.tokenPeople.append((id, entry.keyNode)) }
                if let other = tokens.first(where: { $0.secret == secret }) {
                    file.error("'\(entry.key)' has the same token as '\(other.subject)': every token must name one subject", at: entry.keyNode)
                    continue
                }
                tokens.append(HTTPSettings.Token(subject: subject, secret: secret))
            }
        }
        settings?.tokens = tokens
        if let settings, tokens.isEmpty, !HTTPSettings.isLoopback(settings.host), let listenNode {
            file.error(
                "listening on \(settings.host) (not loopback) needs at least one token under http.tokens: without one, anyone who reaches the port could read every initiative",
                at: listenNode)
        }
        reader.finish()
        return settings
    }

    /// A secret given as `<name>_file` (trimmed) or `<name>_env`; errors at the key. The value
    /// never appears in a message.
    private func secret(_ name: String, in reader: inout MappingReader) -> String? {
        let fileNode = reader.optional(name + "_file"), envNode = reader.optional(name + "_env")
        let given = fileNode.flatMap { file.string($0, "a file path") }
        let variable = envNode.flatMap { file.string($0, "an environment variable name") }
        do {
            return try SecretSource.read(
                name, path: given.map { Paths.absolute(Paths.resolve($0, against: folder)) }, variable: variable,
                environment: ProcessInfo.processInfo.environment)
        } catch {
            if let node = error.option.hasSuffix("_file") ? fileNode : envNode { file.error(error.message, at: node) }
            return nil
        }
    }

    /// `operators: {people: [...], notifiers: [...]}`.
    private func operators(_ node: Node) -> MainConfigDraft.OperatorsDraft? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let people = reader.required("people").flatMap { file.stringList($0, of: "person ids") } ?? []
        let notifiers = reader.required("notifiers").flatMap { file.stringList($0, of: "notifier names") } ?? []
        reader.finish()
        return MainConfigDraft.OperatorsDraft(people: people, notifiers: notifiers)
    }

    func timeZone(_ node: Node) -> TimeZone? {
        guard let name = file.string(node, "a time zone like Asia/Ho_Chi_Minh") else { return nil }
        // Foundation accepts `UTC+1` and `GMT+3` as zones; a fixed offset never follows daylight
        // saving time, so deadlines and working hours would drift by an hour twice a year.
        if Self.isFixedOffset(name) {
            file.error(
                "'\(name)' is a fixed UTC offset, not a time zone: give the IANA name of the place "
                    + "(like Europe/Paris or Asia/Ho_Chi_Minh), which follows its daylight saving time", at: node)
            return nil
        }
        if let zone = TimeZone(identifier: name) { return zone }
        let message = "unknown time zone '\(name)'"
        if let suggestion = DidYouMean.suggestion(for: name, among: TimeZone.knownTimeZoneIdentifiers) {
            file.error("\(message); did you mean '\(suggestion)'?", at: node)
        } else {
            file.error(message, at: node)
        }
        return nil
    }

    /// `UTC+1`, `GMT-03:30`, `+07:00`, `UTC+0`: an offset, optionally after UTC, GMT or UT. IANA's
    /// own fixed zones (`Etc/GMT-1`) are names and stay accepted.
    static func isFixedOffset(_ name: String) -> Bool {
        var rest = Substring(name.uppercased())
        for prefix in ["UTC", "GMT", "UT"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            break
        }
        rest = rest.drop { $0 == " " }
        guard let sign = rest.first, "+-\u{2212}".contains(sign) else { return false }
        let digits = rest.dropFirst()
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ":") }
    }

    private func pathRef(_ node: Node, _ expected: String = "a file path") -> MainConfigDraft.PathRef? {
        guard let path = file.string(node, expected) else { return nil }
        return MainConfigDraft.PathRef(path: Paths.resolve(path, against: folder), node: node)
    }

    private func workflowSource(_ node: Node) -> MainConfigDraft.WorkflowSource? {
        if case .sequence = node {
            let paths = file.stringList(node, of: "file paths") ?? []
            return .files(paths.map { MainConfigDraft.PathRef(path: Paths.resolve($0.0, against: folder), node: $0.1) })
        }
        return pathRef(node, "a folder path or a list of file paths").map { .folder($0) }
    }

    private func workingHours(_ node: Node, into calendar: inout WorkCalendar) {
        guard var reader = MappingReader(node, in: file) else { return }
        if let daysNode = reader.optional("days"), let days = file.stringList(daysNode, of: "weekdays (mon … sun)") {
            var seen: Set<Int> = []
            for (name, dayNode) in days {
                guard let index = Self.weekdays.firstIndex(of: name) else {
                    file.error(DidYouMean.unknown("weekday", name, among: Self.weekdays), at: dayNode)
                    continue
                }
                if !seen.insert(index + 1).inserted { file.error("duplicate weekday '\(name)'", at: dayNode) }
            }
            if days.isEmpty, case .sequence = daysNode {
                file.error("working days must name at least one day", at: daysNode)
            } else if !seen.isEmpty {
                calendar.workingDays = seen
            }
        }
        let startNode = reader.optional("start"), endNode = reader.optional("end")
        let start = startNode.flatMap(file.time), end = endNode.flatMap(file.time)
        if let start { calendar.dayStart = start }
        if let end { calendar.dayEnd = end }
        if (start != nil || end != nil), calendar.dayStart >= calendar.dayEnd, let at = endNode ?? startNode {
            file.error("working hours end (\(calendar.dayEnd)) must be after their start (\(calendar.dayStart))", at: at)
        }
        reader.finish()
    }

    private func notifiers(_ node: Node, into draft: inout MainConfigDraft) -> [NotifierConfig] {
        guard let reader = MappingReader(node, in: file, expected: "a mapping of notifier name to settings") else {
            return []
        }
        if reader.entries.isEmpty { file.error("at least one notifier is required", at: node) }
        draft.notifierNames = reader.entries.map(\.key)
        var result: [NotifierConfig] = []
        for entry in reader.entries {
            if let config = notifier(named: entry.key, entry.value, nameNode: entry.keyNode) { result.append(config) }
        }
        return result
    }

    private func notifier(named name: String, _ node: Node, nameNode: Node) -> NotifierConfig? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        guard let typeNode = reader.required("type"), let type = file.string(typeNode) else { return nil }
        guard let schema = notifierTypes[type] else {
            let known = notifierTypes.keys.sorted()
            var message = "unknown notifier type '\(type)'"
            if let suggestion = DidYouMean.suggestion(for: type, among: known) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += " (known: \(known.joined(separator: ", ")))"
            }
            file.error(message, at: typeNode)
            return nil
        }
        var options: [String: Document] = [:]
        var valid = true
        // A secret written in the YAML would end up in backups and repositories: refuse it.
        for entry in reader.entries where Self.secretKeys.contains(entry.key) {
            file.error(
                "secrets do not belong in YAML: use \(entry.key)_file (a file holding it) or \(entry.key)_env (an environment variable)",
                at: entry.keyNode)
            valid = false
            reader.markUsed(entry.key)
        }
        let all = schema.required.map { ($0.key, $0.value, true) } + schema.optional.map { ($0.key, $0.value, false) }
        for (key, kind, isRequired) in all.sorted(by: { $0.0 < $1.0 }) {
            guard let value = isRequired ? reader.required(key) : reader.optional(key) else {
                if isRequired { valid = false }
                continue
            }
            // Options ending in _file or _env name where a secret is, so their maps may use
            // secret-looking keys (`header_env: {Authorization: CXD_CHAT_AUTH}`).
            let namesSource = key.hasSuffix("_file") || key.hasSuffix("_env")
            if let option = option(value, kind, plainValues: !namesSource) { options[key] = option } else { valid = false }
        }
        reader.finish()
        guard valid else { return nil }
        let config = NotifierConfig(name: name, type: type, options: options)
        for problem in check?(config) ?? [] {
            report(problem, of: name, at: problem.option.flatMap(reader.keyNode) ?? nameNode)
        }
        return config
    }

    /// A problem of a built notifier: at its option's key, or at the template's own position
    /// (then saying which option of which notifier named the template).
    private func report(_ problem: NotifierProblem, of notifier: String, at key: Node) {
        guard let place = problem.place else {
            file.error("notifier '\(notifier)': \(problem.message)", at: key)
            return
        }
        let option = problem.option.map { "option '\($0)' of " } ?? ""
        file.log.add(
            "\(problem.message) (\(option)notifier '\(notifier)', \(file.reference(to: key)))",
            at: SourceLocation(file: Paths.shown(place.file, relative: !folder.hasPrefix("/")), line: max(1, place.line), column: max(1, place.column)))
    }

    /// Option names that would hold a secret in plain text.
    static let secretKeys: Set<String> = ["password", "secret", "token", "api_key", "secrets"]

    /// A name in a map of plain values (environment variables, HTTP headers) whose value would
    /// be a secret: `DB_PASSWORD`, `GITHUB_TOKEN`, `X-Api-Key`, `Authorization`…
    static func looksLikeSecret(_ name: String) -> Bool {
        let letters = String(name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        return ["password", "passwd", "secret", "token", "apikey", "authorization", "credential", "privatekey"]
            .contains { letters.contains($0) }
    }

    private func option(_ node: Node, _ kind: NotifierOptionSchema.Kind, plainValues: Bool) -> Document? {
        switch kind {
        case .string: return file.string(node).map(Document.string)
        case .path: return file.string(node, "a file path").map { .string(Paths.absolute(Paths.resolve($0, against: folder))) }
        case .integer: return file.integer(node).map { .number(Double($0)) }
        case .boolean: return file.bool(node).map(Document.bool)
        case .duration: return file.duration(node).map { .string($0.description) }
        case .stringList: return file.stringList(node).map { .list($0.map { .string($0.0) }) }
        case .stringMap:
            guard let reader = MappingReader(node, in: file) else { return nil }
            var values: [String: Document] = [:]
            for entry in reader.entries {
                // `env: {API_TOKEN: …}`, `headers: {Authorization: …}`: the same rule as above.
                if plainValues, Self.looksLikeSecret(entry.key) {
                    file.error(
                        "secrets do not belong in YAML: \(entry.key) looks like one; give it from a file or cxd's environment (see the notifier's *_file and *_env options)",
                        at: entry.keyNode)
                    return nil
                }
                guard let value = file.string(entry.value) else { return nil }
                values[entry.key] = .string(value)
            }
            return .map(values)
        }
    }

    private func routes(_ node: Node, into draft: inout MainConfigDraft) {
        guard var reader = MappingReader(node, in: file) else { return }
        if let defaultNode = reader.required("default"), let names = file.stringList(defaultNode, of: "notifier names") {
            if names.isEmpty, case .sequence = defaultNode {
                file.error("the default route must name at least one notifier", at: defaultNode)
            }
            draft.defaultRoute = names
        }
        if let rulesNode = reader.optional("rules"), let rules = file.list(rulesNode, of: "route rules") {
            draft.rules = rules.compactMap(rule)
        }
        reader.finish()
    }

    private func rule(_ node: Node) -> MainConfigDraft.RuleDraft? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let events = reader.optional("events").flatMap { file.stringList($0, of: "event kinds") }
        let initiatives = reader.optional("initiatives").flatMap { file.stringList($0, of: "initiative ids") }
        let labels = reader.optional("labels").flatMap { file.stringList($0, of: "labels") }?.map(\.0)
        let notifiers = reader.required("notifiers").flatMap { file.stringList($0, of: "notifier names") }
        let continues = reader.optional("continue").flatMap(file.bool) ?? false
        reader.finish()
        guard let notifiers else { return nil }
        return MainConfigDraft.RuleDraft(
            events: events, initiatives: initiatives, labels: labels, notifiers: notifiers, continues: continues)
    }
}
