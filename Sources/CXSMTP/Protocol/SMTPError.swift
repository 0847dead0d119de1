/// Why a session or a message failed, and whether trying again later can help.
///
/// Classification:
/// - `temporary`: connection refused/reset/closed, connect or reply timeouts, TLS handshake
///   failures (certificates get renewed and servers get fixed; the caller's age limit bounds the
///   retries), 4xx replies (including 421 and 454).
/// - `permanent`: 5xx replies (including 535 authentication rejected), STARTTLS required but not
///   offered, no usable AUTH mechanism, invalid input (addresses, CA file).
///
/// The message never contains credentials: AUTH commands are named, never quoted.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether trying again later can help.
    public enum Severity: Sendable, Equatable {
        case temporary
        case permanent
    }

    /// Temporary or permanent, as classified above.
    public var severity: Severity
    /// What went wrong, for people; quotes the server's reply when there was one.
    public var message: String
    /// The server reply that caused the failure, when there was one.
    public var reply: SMTPReply?

    public init(_ severity: Severity, _ message: String, reply: SMTPReply? = nil) {
        self.severity = severity
        self.message = message
        self.reply = reply
    }

    /// A failure caused by a reply: 4xx temporary, anything else permanent.
    static func rejected(_ what: String, _ reply: SMTPReply) -> SMTPError {
        SMTPError(reply.isTemporaryFailure ? .temporary : .permanent, "\(what) rejected: \(reply)", reply: reply)
    }

    /// Trying again later may succeed.
    public var isTemporary: Bool { severity == .temporary }

    public var description: String { message }
}
