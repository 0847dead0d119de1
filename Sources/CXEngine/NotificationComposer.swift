import CXConfig
import CXCore
import CXNotifiers
import CXStore
import Foundation

/// Turns the machine's notices into outbox messages: routes each to its notifiers, renders the
/// payload in the recipient's language, and folds reminders found late (cxd was down) into one
/// "while cxd was down" digest per recipient and notifier.
struct NotificationComposer {
    let configuration: Configuration
    /// Names the database (see the store's `installation` table). Every message id starts
    /// with it, so ids never repeat after a database is reset: a receiver that drops
    /// duplicates by id (webhook-id, Message-ID) still gets the new messages.
    let installation: String
    /// Signs the one-click links of reminders; nil without an HTTP service.
    var links: LinkMaker? = nil

    /// Reminders sent together as one message: one recipient, one notifier.
    private struct Group: Hashable, Comparable {
        var recipient: PersonID
        var notifier: String

        static func < (lhs: Group, rhs: Group) -> Bool { (lhs.recipient, lhs.notifier) < (rhs.recipient, rhs.notifier) }
    }

    func messages(for notices: [Notice], at now: Date) throws -> [OutboxMessage] {
        // `downtime_grace` may be calendar time (`1d`, `1bd`): measured in the recipient's zone.
        func foundLate(_ notice: Notice) -> Bool {
            DowntimeRule.isLate(
                notice.scheduledAt, at: now, grace: configuration.downtimeGrace, calendar: configuration.calendar,
                zone: zone(notice.recipient))
        }
        var messages: [OutboxMessage] = []
        // Reminders found late (cxd was down) become one digest per recipient and notifier…
        var late: [Group: [NotificationPayload.Reminder]] = [:]
        // …and follow-up reminders due together one message, not one per unhappy customer.
        var followUps: [Group: [NotificationPayload.Reminder]] = [:]
        for notice in notices {
            let reminder = self.reminder(for: notice, at: now)
            for notifier in route(notice) {
                let group = Group(recipient: notice.recipient, notifier: notifier)
                if notice.level != nil, foundLate(notice) {
                    late[group, default: []].append(reminder)
                    continue
                }
                if notice.level != nil, notice.step.hasPrefix("followup:") {
                    followUps[group, default: []].append(reminder)
                    continue
                }
                let payload = NotificationPayload(
                    id: "\(installation):\(notice.key)@\(notifier)", kind: notice.kind.rawValue, createdAt: now,
                    recipient: party(notice.recipient), subject: "", text: "", reminder: reminder, items: nil,
                    survey: notice.survey)
                messages.append(try message(payload, initiative: notice.initiative, notifier: notifier, at: now))
            }
        }
        messages += try grouped(followUps, kind: "followup.reminders", keyPrefix: "followups", at: now)
        messages += try grouped(late, kind: "reminder.digest", keyPrefix: "digest", at: now)
        return messages
    }

    /// One message per group, carrying its reminders as `items`.
    private func grouped(
        _ groups: [Group: [NotificationPayload.Reminder]], kind: String, keyPrefix: String, at now: Date
    ) throws -> [OutboxMessage] {
        try groups.sorted { $0.key < $1.key }.map { group, items in
            // The key names what the message holds, so that two groups made in the same second
            // never collide, and the same group is never queued twice.
            let payload = NotificationPayload(
                id: "\(installation):\(keyPrefix)/\(group.recipient)/\(Self.digest(of: items.map(\.key)))@\(group.notifier)",
                kind: kind,
                createdAt: now,
                recipient: party(group.recipient), subject: "", text: "", reminder: nil, items: items)
            let initiatives = Set(items.map(\.initiative))
            return try message(payload, initiative: initiatives.count == 1 ? initiatives.first : nil, notifier: group.notifier, at: now)
        }
    }

    /// FNV-1a (64 bits) of the sorted keys, in hex: stable across runs and platforms.
    static func digest(of keys: [String]) -> String {
        var hash = FNV1a()
        hash.mix(keys.sorted().joined(separator: "\n").utf8)
        return hash.hex
    }

    private func route(_ notice: Notice) -> [String] {
        let labels = configuration.initiatives[notice.initiative]?.labels ?? []
        return configuration.routes.notifiers(
            event: notice.kind.rawValue, initiative: notice.initiative, labels: labels,
            preferred: configuration.people[notice.recipient]?.notifiers ?? [])
    }

    /// Fills in subject and text with the built-in templates (notifiers with templates of their
    /// own render again at delivery) and encodes the payload.
    private func message(_ draft: NotificationPayload, initiative: InitiativeID?, notifier: String, at now: Date) throws -> OutboxMessage {
        var payload = draft
        (payload.subject, payload.text) = MessageTemplates.builtIn.renderPlain(payload, zone: zone(payload.recipient.id))
        let data = try NotificationPayload.encoder.encode(payload)
        var message = OutboxMessage(
            key: payload.id, initiative: initiative, kind: payload.kind, notifier: notifier,
            recipient: payload.recipient.id, payload: data, createdAt: now)
        message.nextAttemptAt = configuration.earliestDelivery(of: payload.kind, to: payload.recipient.id, at: now)
        return message
    }

    private func reminder(for notice: Notice, at now: Date) -> NotificationPayload.Reminder {
        let definition = configuration.initiatives[notice.initiative]
        let workflow = definition.flatMap { configuration.workflows[$0.workflow] }
        let locale = configuration.people[notice.recipient]?.locale ?? "en"
        var reminder = NotificationPayload.Reminder(
            key: notice.key, kind: notice.kind.rawValue, initiative: notice.initiative,
            initiativeTitle: definition?.title ?? notice.initiative, step: notice.step,
            stepTitle: stepTitle(notice.step, definition: definition, workflow: workflow, locale: locale), cycle: notice.cycle,
            run: notice.run, owner: party(notice.owner),
            ownerManager: configuration.people[notice.owner]?.manager.map(party), level: notice.level, sequence: notice.sequence,
            dueAt: notice.dueAt, scheduledAt: notice.scheduledAt)
        reminder.links = links(for: notice, at: now)
        return reminder
    }

    /// The recipient's one-click actions on a workflow step (follow-ups and surveys have none).
    private func links(for notice: Notice, at now: Date) -> NotificationPayload.Links? {
        guard let links, Self.linkedKinds.contains(notice.kind), !notice.step.hasPrefix("followup:") else { return nil }
        let urls = links.links(
            initiative: notice.initiative, step: notice.step, run: notice.run, recipient: notice.recipient,
            owner: notice.owner, at: now)
        return NotificationPayload.Links(
            done: urls[.done], acknowledge: urls[.acknowledge], snoozeDay: urls[.snoozeDay], snoozeWeek: urls[.snoozeWeek])
    }

    static let linkedKinds: Set<Notice.Kind> = [.stepStarted, .stepReassigned, .dueSoon, .overdue, .escalated]

    /// A workflow step's title, or for a follow-up "Follow-up: <touchpoint name>".
    private func stepTitle(_ step: StepID, definition: InitiativeDefinition?, workflow: Workflow?, locale: String) -> String {
        if let title = workflow?.step(step)?.title.text(for: locale) { return title }
        guard step.hasPrefix("followup:") else { return step }
        let id = String(step.dropFirst("followup:".count))
        let name = definition?.touchpoints.first { $0.id == id }?.name ?? id
        return (locale == "vi" ? "Liên hệ lại khách hàng: " : "Follow-up: ") + name
    }

    private func party(_ id: PersonID) -> NotificationPayload.Party {
        let person = configuration.people[id]
        return NotificationPayload.Party(
            id: id, name: person?.name ?? id, email: person?.email, locale: person?.locale ?? "en",
            timeZone: person?.timeZone ?? configuration.defaultTimeZone.identifier)
    }

    private func zone(_ id: PersonID) -> TimeZone {
        configuration.people[id]?.zone ?? configuration.defaultTimeZone
    }
}

extension Engine {
    /// The composer for messages queued in `tx`: with one-click links when the HTTP service is
    /// configured (signed with its link key, or the one the database keeps).
    static func composer(_ configuration: Configuration, _ tx: StoreTransaction) throws -> NotificationComposer {
        var composer = NotificationComposer(configuration: configuration, installation: try tx.installationID())
        if let http = configuration.http {
            composer.links = LinkMaker(
                publicURL: http.publicURL, signer: try linkSigner(configuration, tx).derived("links"), lifetime: http.linkLifetime)
        }
        return composer
    }

    /// The signer of links, sign-ins and calendar tokens: `http.link_key_file`'s key, or the
    /// one migration v9 made.
    public static func linkSigner(_ configuration: Configuration, _ tx: StoreTransaction) throws -> Signer {
        Signer(key: try configuration.http?.linkKey ?? tx.storedLinkKey())
    }
}
