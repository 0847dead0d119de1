import Foundation

/// An email as RFC 5322 and MIME write it: addressed headers with RFC 2047 encoded words for
/// non-ASCII text, a folded subject, `Date`, `Message-ID`, and a `multipart/alternative` body
/// with quoted-printable UTF-8 text and HTML parts (just the text part when there is no HTML).
///
/// Header injection is impossible: addresses are validated by `EmailAddress`, CR/LF and other
/// control characters in names, subject and header values become spaces, and extra header
/// names must be printable ASCII without `:`.
public struct EmailMessage: Sendable {
    /// The author (`From`), also the envelope sender.
    public var from: EmailAddress
    /// The primary recipients; at least one.
    public var to: [EmailAddress]
    /// Copied recipients (`Cc`), also envelope recipients.
    public var cc: [EmailAddress]
    /// Where replies go when not to `from`.
    public var replyTo: EmailAddress?
    /// One line of any text; line breaks become spaces.
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// The HTML body; nil for a text-only message.
    public var html: String?
    /// The `Date` header.
    public var date: Date
    /// The zone the `Date` header is written in.
    public var zone: TimeZone
    /// The `Message-ID` header, usually derived from an idempotency key.
    public var messageID: MessageID
    /// More headers (`X-…`, `Auto-Submitted`), written after the standard ones.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: EmailAddress, to: [EmailAddress], cc: [EmailAddress] = [], replyTo: EmailAddress? = nil,
        subject: String, text: String, html: String? = nil, date: Date, zone: TimeZone = TimeZone(identifier: "UTC") ?? .current,
        messageID: MessageID, extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.zone = zone
        self.messageID = messageID
        self.extraHeaders = extraHeaders
    }

    /// Headers the builder writes itself; `extraHeaders` may not repeat them.
    static let reservedHeaders: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "sender", "return-path",
    ]

    /// Every envelope recipient: `to` then `cc`, without repeats.
    public var recipients: [String] {
        var seen: Set<String> = []
        return (to + cc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    /// An envelope for `SMTPClient` with `from` as sender and every recipient.
    public func envelope() throws(EmailMessageError) -> SMTPEnvelope {
        SMTPEnvelope(sender: from.address, recipients: recipients, data: try bytes())
    }

    /// The message as it goes after DATA: CRLF line endings, no line over 998 octets.
    public func bytes() throws(EmailMessageError) -> [UInt8] {
        try bytes(boundary: Self.makeBoundary())
    }

    func bytes(boundary: String) throws(EmailMessageError) -> [UInt8] {
        guard !to.isEmpty else { throw EmailMessageError.noRecipients }
        var headers: [String] = []
        headers.append(HeaderText.fold(name: "From", tokens: HeaderText.addressListTokens([from])))
        headers.append(HeaderText.fold(name: "To", tokens: HeaderText.addressListTokens(to)))
        if !cc.isEmpty { headers.append(HeaderText.fold(name: "Cc", tokens: HeaderText.addressListTokens(cc))) }
        if let replyTo { headers.append(HeaderText.fold(name: "Reply-To", tokens: HeaderText.addressListTokens([replyTo]))) }
        headers.append(HeaderText.fold(name: "Subject", tokens: HeaderText.unstructuredTokens(subject)))
        headers.append("Date: \(RFC5322Date.format(date, zone: zone))")
        headers.append("Message-ID: \(messageID.value)")
        for (name, value) in extraHeaders {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }) else {
                throw EmailMessageError.invalidHeaderName(EmailAddress.printable(name))
            }
            guard !Self.reservedHeaders.contains(name.lowercased()) else { throw EmailMessageError.reservedHeader(name) }
            headers.append(HeaderText.fold(name: name, tokens: HeaderText.unstructuredTokens(value)))
        }
        headers.append("MIME-Version: 1.0")
        var lines = headers
        if let html {
            lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            for (type, body) in [("text/plain", text), ("text/html", html)] {
                lines.append("--\(boundary)")
                lines += Self.part(type: type, body: body)
            }
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(type: "text/plain", body: text)
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    private static func part(type: String, body: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", QuotedPrintable.encode(body)]
    }

    /// `=_cxd_` and 32 random hex digits: `=_` never occurs in quoted-printable text.
    static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<32).map { _ in String(generator.next(upperBound: UInt8(16)), radix: 16) }.joined()
        return "=_cxd_\(digits)"
    }
}
