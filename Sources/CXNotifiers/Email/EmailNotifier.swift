import CXConfig
import CXCore
import CXSMTP
import Foundation
import Logging

/// Sends notifications as email over SMTP (`type: email`): one SMTP session per batch,
/// multipart text + HTML rendered from the notifier's templates in the recipient's locale.
///
/// Outcome of each message:
/// - `.delivered`: the server accepted the message for the recipient (`payload.recipient.email`).
///   A refused copy to the manager (`cc_manager_on_escalation`) is logged, not a failure.
/// - `.retry`: a temporary failure: the connection failed (refused, reset, closed, timed out),
///   the TLS handshake failed, or the server answered 4xx (to the session, to MAIL FROM, to the
///   recipient's RCPT TO, to DATA or to the message).
/// - `.failed`: a permanent failure: the payload cannot be decoded, the person has no or an
///   invalid email address, the server answered 5xx (including 535: authentication rejected),
///   STARTTLS is required (`tls: starttls`) but not offered, no usable AUTH mechanism is offered,
///   or credentials would have to go over an unencrypted connection.
/// - `.endpointGone` is never returned.
/// Reasons quote the server's reply but never the password.
public struct EmailNotifier: Notifier {
    let name: String
    let settings: EmailSettings
    let logger: Logger

    init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        name = config.name
        settings = try EmailSettings(config: config, environment: environment)
        logger = environment.logger
    }

    /// Registers type `email` with its option schema; the factory checks every option.
    public static func register(in registry: inout NotifierRegistry) {
        registry.register("email", schema: EmailSettings.schema) { config, environment throws(NotifierSetupError) in
            try EmailNotifier(config: config, environment: environment)
        }
    }

    /// Whether the email notifier `config` copies the owner's manager on a notification of
    /// `kind` (`cc_manager_on_escalation`), as `cxd routes test` shows it.
    public static func copiesManager(on kind: String, config: NotifierConfig) -> Bool {
        config.type == "email" && kind == escalationKind && config.options["cc_manager_on_escalation"] == .bool(true)
    }

    /// With `cc_manager_on_escalation`: whether an escalation goes in copy to the owner's manager
    /// at `manager` when it is addressed to `recipient` (never a copy to the recipient itself).
    public static func copiesManager(kind: String, manager: String?, recipient: String?) -> Bool {
        guard kind == escalationKind, let manager, !manager.isEmpty else { return false }
        return manager.lowercased() != recipient?.lowercased()
    }

    static let escalationKind = "step.escalated"

    /// Sends one message in its own session.
    public func deliver(_ message: Delivery) async -> DeliveryOutcome {
        await deliver(batch: [message]).first ?? .retry(reason: "email: nothing was sent", after: nil)
    }

    /// Sends every message that can be composed in one SMTP session; one outcome per message, in order.
    public func deliver(batch messages: [Delivery]) async -> [DeliveryOutcome] {
        let composer = EmailComposer(settings: settings)
        var outcomes: [DeliveryOutcome?] = Array(repeating: nil, count: messages.count)
        var envelopes: [SMTPEnvelope] = []
        var sent: [(index: Int, recipient: String)] = []
        for (index, outbox) in messages.enumerated() {
            switch composer.compose(outbox.payload) {
            case .failure(let refusal):
                outcomes[index] = .failed(reason: refusal.reason)
            case .success(let email):
                do {
                    envelopes.append(try email.envelope())
                    sent.append((index, email.to[0].address))
                } catch {
                    outcomes[index] = .failed(reason: "cannot build the email: \(error)")
                }
            }
        }
        let results = await SMTPClient.send(envelopes, configuration: settings.smtp)
        for (position, result) in results.enumerated() where position < sent.count {
            let (index, recipient) = sent[position]
            outcomes[index] = outcome(of: result, recipient: recipient, key: messages[index].key)
        }
        return outcomes.map { $0 ?? .retry(reason: "email: the SMTP session returned no result", after: nil) }
    }

    /// The outcome mapping documented on the type.
    private func outcome(of result: SMTPResult, recipient: String, key: String) -> DeliveryOutcome {
        if let rejection = result.rejection(of: recipient) { return Self.outcome(rejection) }
        if let error = result.error { return Self.outcome(error) }
        for copy in result.recipients where !copy.accepted && copy.address != recipient {
            logger.warning(
                "the SMTP server refused a copy of a notification",
                metadata: ["notifier": "\(name)", "key": "\(key)", "recipient": "\(copy.address)",
                           "reply": "\(copy.reply?.description ?? "none")"])
        }
        return .delivered
    }

    private static func outcome(_ error: SMTPError) -> DeliveryOutcome {
        error.isTemporary ? .retry(reason: "SMTP: \(error.message)", after: nil) : .failed(reason: "SMTP: \(error.message)")
    }
}
