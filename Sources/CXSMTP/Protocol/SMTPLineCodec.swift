import NIOCore

/// A reply as framed off the wire, and whether more bytes had already arrived behind it.
///
/// The client speaks in lock step (it never pipelines): a server has nothing to say between its
/// reply and the client's next command, so bytes behind a reply were sent before that command
/// and cannot answer it. Behind the 220 to STARTTLS they would otherwise be read as if they had
/// come through TLS (the injection of CVE-2011-0411).
struct DecodedReply: Equatable {
    var reply: SMTPReply
    /// Anything (a reply, part of one, a bare line end) was already buffered behind `reply`.
    var isFollowedByData: Bool
}

/// Frames the server's byte stream into replies: CRLF-terminated lines (a bare LF is accepted),
/// continuation lines `250-…` assembled with the final `250 …` into one `SMTPReply`. Lines and
/// replies are bounded so a hostile server cannot make the client buffer without limit; reply
/// codes must start with 2 to 5 (RFC 5321 §4.2), and control characters in the text become `?`
/// so a server's words cannot rewrite a log line or a terminal.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = DecodedReply

    /// The longest line accepted (RFC 5321 allows 512 octets; servers sometimes exceed it).
    static let maximumLineLength = 4096
    /// The most lines one reply may have.
    static let maximumLines = 200

    private var pendingCode: Int?
    private var pendingLines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let reply = try nextReply(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(DecodedReply(reply: reply, isFollowedByData: buffer.readableBytes > 0)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// Consumes lines until a reply is complete; nil when more bytes are needed.
    mutating func nextReply(_ buffer: inout ByteBuffer) throws -> SMTPReply? {
        while true {
            guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.readableBytes > Self.maximumLineLength {
                    throw SMTPError(.temporary, "the server sent a line longer than \(Self.maximumLineLength) bytes")
                }
                return nil
            }
            let length = newline - buffer.readerIndex
            guard length <= Self.maximumLineLength, var bytes = buffer.readBytes(length: length + 1) else {
                throw SMTPError(.temporary, "the server sent a line longer than \(Self.maximumLineLength) bytes")
            }
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if let reply = try add(line: bytes) { return reply }
        }
    }

    private mutating func add(line: [UInt8]) throws -> SMTPReply? {
        guard line.count >= 3, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(line[0]),
              line[1..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else {
            throw SMTPError(.temporary, "the server sent a malformed reply line: \(Self.printable(line))")
        }
        let code = line[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if let pendingCode, pendingCode != code {
            throw SMTPError(.temporary, "the server changed the reply code within a multi-line reply (\(pendingCode), \(code))")
        }
        let text = line.count > 4 ? Self.withoutControlCharacters(String(decoding: line[4...], as: UTF8.self)) : ""
        pendingLines.append(text)
        guard pendingLines.count <= Self.maximumLines else {
            throw SMTPError(.temporary, "the server sent a reply with more than \(Self.maximumLines) lines")
        }
        if line.count > 3 && line[3] == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }

    /// C0 and C1 controls and DEL (ESC, a lone CR, NEL…) replaced by `?`; other text kept.
    private static func withoutControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var clean = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            clean.append(scalar.properties.generalCategory == .control ? "?" : scalar)
        }
        return String(clean)
    }

    private static func printable(_ line: [UInt8]) -> String {
        String(decoding: line.prefix(80).map { (32..<127).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}

/// Writes commands: each line with CRLF, message bodies as they are.
struct SMTPCommandEncoder: MessageToByteEncoder {
    typealias OutboundIn = SMTPCommand

    func encode(data: SMTPCommand, out: inout ByteBuffer) throws {
        out.writeBytes(data.wire)
    }
}
