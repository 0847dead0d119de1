@testable import CXSMTP
import NIOCore
import NIOEmbedded
import Testing

@Suite struct SMTPReplyDecoderTests {
    private func decode(_ chunks: [String]) throws -> [SMTPReply] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        var replies: [SMTPReply] = []
        while let reply = try channel.readInbound(as: SMTPReply.self) { replies.append(reply) }
        _ = try? channel.finish()
        return replies
    }

    @Test func singleLineReplyCarriesCodeAndText() throws {
        #expect(try decode(["220 mail.example.com ESMTP ready\r\n"]) == [SMTPReply(code: 220, lines: ["mail.example.com ESMTP ready"])])
    }

    @Test func multiLineReplyIsAssembledIntoOneReply() throws {
        let replies = try decode(["250-mail.example.com\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"])
        #expect(replies == [SMTPReply(code: 250, lines: ["mail.example.com", "STARTTLS", "AUTH PLAIN LOGIN"])])
    }

    @Test func replySplitAcrossReadsWaitsForTheEndOfTheLine() throws {
        let replies = try decode(["25", "0-first\r", "\n250 sec", "ond\r\n354 go\r\n"])
        #expect(replies == [SMTPReply(code: 250, lines: ["first", "second"]), SMTPReply(code: 354, lines: ["go"])])
    }

    @Test func bareLineFeedAndCodeWithoutTextAreAccepted() throws {
        #expect(try decode(["221\n"]) == [SMTPReply(code: 221, lines: [""])])
    }

    @Test(arguments: ["hello\r\n", "25 x\r\n", "250_x\r\n", "250-a\r\n251 b\r\n"])
    func malformedReplyLineIsAnError(_ input: String) {
        #expect(throws: SMTPError.self) { try decode([input]) }
    }

    @Test func overlongLineIsAnErrorInsteadOfUnboundedBuffering() {
        let long = String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength + 10)
        #expect(throws: SMTPError.self) { try decode(["250 " + long]) }
    }

    @Test func commandsAreWrittenWithCRLF() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(SMTPCommandEncoder()))
        try channel.writeOutbound(SMTPCommand.mailFrom("a@example.com"))
        let buffer = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: buffer) == "MAIL FROM:<a@example.com>\r\n")
    }

    @Test func messageDataIsDotStuffedWithCRLFLineEndingsAndTerminated() {
        let data = Array("Subject: x\n\n.hidden\r\nplain\r..\nlast".utf8)
        let wire = String(decoding: MessageData.transparent(data), as: UTF8.self)
        #expect(wire == "Subject: x\r\n\r\n..hidden\r\nplain\r\n...\r\nlast\r\n.\r\n")
    }
}
