import CXConfig
import CXCore
import CXStore
import Foundation

/// What the HTTP service asks of the engine: pages of initiatives, events and the outbox, a
/// person's tasks, actions with their permission checks, one-click links and calendar feeds.
/// Every write goes through `apply`, as the CLI's do.

/// A step action a person can take through the API, the dashboard or a link.
public enum StepAction: Sendable, Equatable {
    case complete(step: StepID?, note: String?)
    case reopen(step: StepID, note: String?)
    case pause(note: String?)
    case resume
    case acknowledge
    case snooze(WorkDuration)

    public var name: String {
        switch self {
        case .complete: "complete"
        case .reopen: "reopen"
        case .pause: "pause"
        case .resume: "resume"
        case .acknowledge: "ack"
        case .snooze: "snooze"
        }
    }
}

/// Refusals of the HTTP service's actions (the API answers 403, 404 or 409; the link pages
/// explain them).
public enum WebRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step is someone else's (only its owner or an admin may act on it).
    case notYourStep(InitiativeID, owner: PersonID?, person: PersonID)
    case notYourFollowUp(Int64, owner: PersonID, person: PersonID)
    case unknownPerson(PersonID)
    /// A one-click link whose step run is no longer open.
    case linkSuperseded(ActionLink)
    case linkUsed(ActionLink)
    case linkExpired(ActionLink)
    case linkInvalid

    public var description: String {
        switch self {
        case .notYourStep(let id, let owner, let person):
            guard let owner else { return "initiative '\(id)' has no open step; only an admin may act on it, not \(person)" }
            return "the open step of '\(id)' belongs to \(owner); \(person) may not act on it"
        case .notYourFollowUp(let id, let owner, let person):
            return "follow-up \(id) belongs to \(owner); \(person) may not close it"
        case .unknownPerson(let id): return "no person '\(id)'"
        case .linkSuperseded(let link): return "the step this link was for (\(link.step), run \(link.run)) is no longer open"
        case .linkUsed: return "this link was used already; each link acts once"
        case .linkExpired(let link): return "this link expired at \(Timestamp.iso(link.expiresAt))"
        case .linkInvalid: return "this link is not valid (it was changed, cut short, or made for another cxd)"
        }
    }
}

/// One page of initiatives; `next` continues after the last one.
public struct InitiativePage: Codable, Sendable {
    public var items: [InitiativeStatus]
    public var next: String?
}

/// One page of a listing, and whether more items follow it: read as `limit + 1` items in one
/// query, so that a full last page is known to be the last.
public struct Paged<Item: Sendable>: Sendable {
    public var items: [Item]
    public var hasMore: Bool

    init(limit: Int, fetched: [Item]) {
        items = Array(fetched.prefix(limit))
        hasMore = fetched.count > limit
    }
}

/// A person's open work: the steps they own and the follow-ups with customers assigned to them.
public struct PersonTasks: Codable, Sendable {
    public struct FollowUpTask: Codable, Sendable {
        public var id: Int64
        public var initiative: InitiativeID
        public var touchpoint: String?
        public var respondent: String
        public var score: Int?
        public var comment: String?
        public var openedAt: Date
        public var dueAt: Date
        public var overdue: Bool
    }

    public var person: PersonID
    public var name: String
    public var steps: [InitiativeStatus]
    public var followUps: [FollowUpTask]
}

/// What a one-click link would do, for its confirmation page (nothing is written).
public struct LinkPreview: Sendable {
    public var link: ActionLink
    public var initiativeTitle: String
    public var stepTitle: String
    public var recipientName: String
    public var locale: String
}

extension Engine {
    /// The largest page any listing returns.
    public static let pageLimit = 500

    public func initiatives(
        phase: String?, owner: PersonID?, overdue: Bool, after: InitiativeID?, limit: Int, at now: Date
    ) async throws -> InitiativePage {
        let limit = max(1, min(limit, Self.pageLimit))
        let rows = try await store.read { tx in
            try tx.statusRows(phase: phase, owner: owner, overdueAt: overdue ? now : nil, after: after, limit: limit + 1)
        }
        let items = rows.prefix(limit).map { status(of: $0, at: now) }
        return InitiativePage(items: items, next: rows.count > limit ? items.last?.id : nil)
    }

    /// One page of an initiative's audit log, after the entry `after`.
    public func events(of id: InitiativeID, after: Int64?, limit: Int) async throws -> Paged<EventRecord> {
        let limit = max(1, min(limit, Self.pageLimit))
        return Paged(limit: limit, fetched: try await store.read { tx in
            guard try tx.statusRow(of: id) != nil else { throw EngineError.unknownInitiative(id, known: try knownIDs(tx)) }
            return try tx.events(of: id, after: after, limit: limit + 1)
        })
    }

    /// One page of the outbox, after the message `after`.
    public func outboxPage(status: OutboxMessage.Status?, after: Int64?, limit: Int) async throws -> Paged<OutboxMessage> {
        let limit = max(1, min(limit, Self.pageLimit))
        return Paged(limit: limit, fetched: try await store.read { tx in try tx.outbox(status: status, after: after, limit: limit + 1) })
    }

    /// The open steps `person` owns and their open follow-ups (each list at most `pageLimit`).
    public func tasks(of person: PersonID, at now: Date) async throws -> PersonTasks {
        guard let known = configuration.people[person] else { throw WebRefusal.unknownPerson(person) }
        return try await store.read { tx in
            var steps = try tx.statusRows(phase: "active", owner: person, limit: Self.pageLimit)
            steps += try tx.statusRows(phase: "paused", owner: person, limit: Self.pageLimit)
            let followUps = try tx.openFollowUps(ownedBy: person, limit: Self.pageLimit).map { followUp in
                PersonTasks.FollowUpTask(
                    id: followUp.id, initiative: followUp.initiative, touchpoint: followUp.answer.touchpoint,
                    respondent: followUp.answer.respondent, score: followUp.answer.score, comment: followUp.answer.comment,
                    openedAt: followUp.run.startedAt, dueAt: followUp.run.dueAt, overdue: followUp.run.dueAt < now)
            }
            return PersonTasks(
                person: person, name: known.name,
                steps: steps.map { status(of: $0, at: now) }.sorted { ($0.dueAt ?? .distantFuture, $0.id) < ($1.dueAt ?? .distantFuture, $1.id) },
                followUps: followUps)
        }
    }

    /// Applies `action` for `subject`: an admin may act on any initiative, a person only on
    /// the open step they own. Wakes nobody: the caller does.
    @discardableResult
    public func act(
        _ action: StepAction, on id: InitiativeID, as subject: HTTPSettings.Subject, via: String, at now: Date
    ) async throws -> [Effect] {
        let actor = subject.description
        let calendar = configuration.calendar
        return try await apply(to: id, at: now, via: via) { state, context, _ in
            if case .person(let person) = subject, state.openRun?.owner != person {
                throw WebRefusal.notYourStep(id, owner: state.openRun?.owner, person: person)
            }
            return Self.event(for: action, by: actor, zone: context.zone(of: actor), calendar: calendar, at: now)
        }
    }

    static func event(for action: StepAction, by actor: String, zone: TimeZone, calendar: WorkCalendar, at now: Date) -> InitiativeEvent {
        switch action {
        case .complete(let step, let note): .complete(step: step, by: actor, note: note)
        case .reopen(let step, let note): .reopen(step: step, by: actor, note: note)
        case .pause(let note): .pause(by: actor, note: note)
        case .resume: .resume(by: actor)
        case .acknowledge: .acknowledge(by: actor)
        // Days and business days are counted in the acting person's time zone and calendar.
        case .snooze(let duration): .snooze(until: calendar.moving(now, by: duration, in: zone), by: actor)
        }
    }

    /// Closes a follow-up for `subject` (its owner or an admin).
    public func closeFollowUp(_ followUp: Int64, as subject: HTTPSettings.Subject, note: String?, at now: Date) async throws -> FollowUp {
        if case .person(let person) = subject {
            let found = try await store.read { tx in try tx.followUp(followUp) }
            guard let found else { throw EngineError.unknownFollowUp(followUp) }
            guard found.run.owner == person else { throw WebRefusal.notYourFollowUp(followUp, owner: found.run.owner, person: person) }
        }
        return try await closeFollowUp(followUp, by: subject.description, note: note, at: now)
    }

    // MARK: - One-click links

    /// The signer of one-click links (derived from the link key).
    public func linkSigner() async throws -> Signer {
        let configuration = configuration
        return try await store.read { tx in try Self.linkSigner(configuration, tx) }
    }

    /// What a link would do, for its confirmation page. Throws `WebRefusal` when it cannot act
    /// (tampered, expired, used, or its step run closed).
    public func preview(link token: String, at now: Date) async throws -> LinkPreview {
        let signer = try await linkSigner().derived("links")
        let link = try Self.verify(token, signer: signer, at: now)
        let configuration = try await withDefinitions(of: [link.initiative])
        return try await store.read { tx in
            guard let record = try tx.initiative(link.initiative), link.isFor(record.state.openRun) else {
                throw WebRefusal.linkSuperseded(link)
            }
            if try tx.linkUsed(link.id) { throw WebRefusal.linkUsed(link) }
            let person = configuration.people[link.recipient]
            let locale = person?.locale ?? "en"
            let stepTitle = configuration.context(for: link.initiative)?.workflow.step(link.step)?.title.text(for: locale) ?? link.step
            return LinkPreview(
                link: link, initiativeTitle: record.title, stepTitle: stepTitle, recipientName: person?.name ?? link.recipient,
                locale: locale)
        }
    }

    /// Carries out a one-click link: once, while its step run is open, as its recipient, with
    /// "via link" in the audit log. The link's use and the action commit together.
    @discardableResult
    public func use(link token: String, at now: Date) async throws -> ActionLink {
        let signer = try await linkSigner().derived("links")
        let link = try Self.verify(token, signer: signer, at: now)
        let action: StepAction = switch link.action {
        case .done: .complete(step: link.step, note: nil)
        case .acknowledge: .acknowledge
        case .snoozeDay: .snooze(.days(1))
        case .snoozeWeek: .snooze(.weeks(1))
        }
        let calendar = configuration.calendar
        try await apply(to: link.initiative, at: now, via: "link") { state, context, tx in
            guard link.isFor(state.openRun) else { throw WebRefusal.linkSuperseded(link) }
            guard try tx.useLink(link.id, person: link.recipient, initiative: link.initiative, expiresAt: link.expiresAt, at: now) else {
                throw WebRefusal.linkUsed(link)
            }
            return Self.event(for: action, by: link.recipient, zone: context.zone(of: link.recipient), calendar: calendar, at: now)
        }
        return link
    }

    private static func verify(_ token: String, signer: Signer, at now: Date) throws(WebRefusal) -> ActionLink {
        do {
            return try ActionLink.verify(token, signer: signer, at: now)
        } catch {
            switch error {
            case .invalid: throw .linkInvalid
            case .expired(let link): throw .linkExpired(link)
            }
        }
    }

    // MARK: - Calendar feeds

    /// The token of `person`'s calendar feed (changes when revoked).
    public func calendarToken(of person: PersonID) async throws -> String {
        guard configuration.people[person] != nil else { throw WebRefusal.unknownPerson(person) }
        let configuration = configuration
        return try await store.read { tx in
            try Self.linkSigner(configuration, tx).derived("calendar").token(for: Self.calendarMessage(person, tx))
        }
    }

    /// What a calendar token signs: the person and the generation their feed is at.
    private static func calendarMessage(_ person: PersonID, _ tx: StoreTransaction) throws -> String {
        "c1|\(person)|\(try tx.calendarGeneration(of: person))"
    }

    /// Whether `token` opens `person`'s feed now (a revoked one no longer does).
    public func calendarTokenIsValid(_ token: String, for person: PersonID) async throws -> Bool {
        let configuration = configuration
        return try await store.read { tx in
            try Self.linkSigner(configuration, tx).derived("calendar").message(of: token) == Self.calendarMessage(person, tx)
        }
    }

    /// Revokes every calendar URL of `person` given out so far; returns the new token.
    public func revokeCalendar(of person: PersonID) async throws -> String {
        guard configuration.people[person] != nil else { throw WebRefusal.unknownPerson(person) }
        _ = try await store.write { tx in try tx.revokeCalendar(of: person) }
        return try await calendarToken(of: person)
    }
}
