/// One message to send: the envelope sender and recipients (which may differ from the header
/// fields) and the message itself (e.g. `EmailMessage.bytes()`). The client normalises line
/// endings to CRLF and dot-stuffs the data.
public struct SMTPEnvelope: Sendable, Equatable {
    /// The `MAIL FROM` address (empty for a null reverse path).
    public var sender: String
    /// One `RCPT TO` per address.
    public var recipients: [String]
    /// The message after DATA, without the final `.` line.
    public var data: [UInt8]

    public init(sender: String, recipients: [String], data: [UInt8]) {
        self.sender = sender
        self.recipients = recipients
        self.data = data
    }
}

/// What happened to one envelope of a session.
public struct SMTPResult: Sendable, Equatable {
    /// What the server said to one RCPT TO.
    public struct Recipient: Sendable, Equatable {
        /// The address given to RCPT TO.
        public var address: String
        /// Nil when the recipient was never tried (the message failed before RCPT).
        public var reply: SMTPReply?

        /// The server answered 2xx to this recipient.
        public var accepted: Bool { reply?.isPositiveCompletion ?? false }
    }

    /// Nil when the server accepted the message for at least one recipient.
    public var error: SMTPError?
    /// One entry per envelope recipient, in order.
    public var recipients: [Recipient]

    public init(error: SMTPError?, recipients: [Recipient]) {
        self.error = error
        self.recipients = recipients
    }

    /// The server took responsibility for the message (for `acceptedRecipients`).
    public var isSent: Bool { error == nil }

    /// The recipients the server accepted, in order.
    public var acceptedRecipients: [String] { recipients.filter(\.accepted).map(\.address) }

    /// The recipient's RCPT failure, when that recipient was refused.
    public func rejection(of address: String) -> SMTPError? {
        guard let recipient = recipients.first(where: { $0.address == address }), let reply = recipient.reply,
              !reply.isPositiveCompletion
        else { return nil }
        return .rejected("recipient <\(address)>", reply)
    }
}
