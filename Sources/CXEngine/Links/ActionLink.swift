import CXCore
import Foundation

/// A one-click action carried by a reminder: signed, bound to the initiative, the step run,
/// the action and the recipient, expiring, and used at most once (the store keeps its id).
public struct ActionLink: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case done
        case acknowledge = "ack"
        case snoozeDay = "snooze-1d"
        case snoozeWeek = "snooze-1w"

        /// What the recipient may do with a reminder: only the owner completes the step.
        public static func allowed(recipient: PersonID, owner: PersonID) -> [Action] {
            recipient == owner ? allCases : [.acknowledge, .snoozeDay, .snoozeWeek]
        }
    }

    public var initiative: InitiativeID
    public var step: StepID
    /// The step run's number: a link for run 3 does nothing once run 3 is closed.
    public var run: Int
    public var action: Action
    public var recipient: PersonID
    public var expiresAt: Date

    public init(initiative: InitiativeID, step: StepID, run: Int, action: Action, recipient: PersonID, expiresAt: Date) {
        self.initiative = initiative
        self.step = step
        self.run = run
        self.action = action
        self.recipient = recipient
        self.expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
    }

    /// Identifies the link for the single-use record: a digest of its token's signature.
    public var id: String = ""

    /// `l1|initiative|step|run|action|recipient|expiry`. Ids and steps never hold `|` (the
    /// YAML readers allow letters, digits, `-`, `_` and `.`), and it is checked on decoding.
    var message: String {
        ["l1", initiative, step, String(run), action.rawValue, recipient, String(Int64(expiresAt.timeIntervalSince1970))]
            .joined(separator: "|")
    }

    public func token(signer: Signer) -> String { signer.token(for: message) }

    /// Whether `run` (an initiative's open run) is the one this link was made for: once that
    /// run closed, the link is superseded, even by a new run of the same step.
    public func isFor(_ run: StepRun?) -> Bool {
        run?.number == self.run && run?.stepID == step
    }

    /// Why a token is not a link that can act now.
    public enum Refusal: Error, Sendable, Equatable {
        /// Malformed or tampered with (or signed with another key).
        case invalid
        case expired(ActionLink)
    }

    /// The link a token holds, when its signature matches and it has not expired at `now`.
    public static func verify(_ token: String, signer: Signer, at now: Date) throws(Refusal) -> ActionLink {
        guard let message = signer.message(of: token) else { throw .invalid }
        let fields = message.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, fields[0] == "l1", let run = Int(fields[3]), let action = Action(rawValue: fields[4]),
            let expiry = Int64(fields[6])
        else { throw .invalid }
        var link = ActionLink(
            initiative: fields[1], step: fields[2], run: run, action: action, recipient: fields[5],
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)))
        link.id = String(token.split(separator: ".").last ?? "").prefix(22).description
        guard now < link.expiresAt else { throw .expired(link) }
        return link
    }
}

/// Makes the links a reminder carries: `public_url/a/<token>`.
public struct LinkMaker: Sendable {
    public let publicURL: String
    public let signer: Signer
    public let lifetime: TimeInterval

    public init(publicURL: String, signer: Signer, lifetime: TimeInterval) {
        self.publicURL = publicURL
        self.signer = signer
        self.lifetime = lifetime
    }

    public func url(for link: ActionLink) -> String { "\(publicURL)/a/\(link.token(signer: signer))" }

    public func links(
        initiative: InitiativeID, step: StepID, run: Int, recipient: PersonID, owner: PersonID, at now: Date
    ) -> [ActionLink.Action: String] {
        var result: [ActionLink.Action: String] = [:]
        for action in ActionLink.Action.allowed(recipient: recipient, owner: owner) {
            result[action] = url(for: ActionLink(
                initiative: initiative, step: step, run: run, action: action, recipient: recipient,
                expiresAt: now.addingTimeInterval(lifetime)))
        }
        return result
    }
}
