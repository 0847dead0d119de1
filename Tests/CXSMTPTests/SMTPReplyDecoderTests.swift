@testable import CXSMTP
import NIOCore
import NIOEmbedded
import Testing

@Suite struct SMTPReplyDecoderTests {
    private func decode(_ chunks: [String]) throws -> [SMTPReply] {
        try frames(chunks).map(\.reply)
    }

    /// Each chunk arrives as one read.
    private func frames(_ chunks: [String]) throws -> [DecodedReply] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        var replies: [DecodedReply] = []
        while let reply = try channel.readInbound(as: DecodedReply.self) { replies.append(reply) }
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

    @Test func replyTellsWhetherMoreBytesHadArrivedBehindIt() throws {
        #expect(try frames(["250 a\r\n354 b\r\n"]).map(\.isFollowedByData) == [true, false])
        #expect(try frames(["250 a\r\n", "354 b\r\n"]).map(\.isFollowedByData) == [false, false])
        #expect(try frames(["220 go\r\n25"]).map(\.isFollowedByData) == [true])
        #expect(try frames(["220-a\r\n220 b\r\n"]).map(\.isFollowedByData) == [false])
    }

    @Test func bareLineFeedAndCodeWithoutTextAreAccepted() throws {
        #expect(try decode(["221\n"]) == [SMTPReply(code: 221, lines: [""])])
    }

    @Test(arguments: ["hello\r\n", "25 x\r\n", "250_x\r\n", "250-a\r\n251 b\r\n"])
    func malformedReplyLineIsAnError(_ input: String) {
        #expect(throws: SMTPError.self) { try decode([input]) }
    }

    /// RFC 5321 §4.2: the first digit is 2 to 5; anything else would otherwise read as a
    /// permanent refusal.
    @Test(arguments: ["199 x\r\n", "099\r\n", "600 x\r\n", "999 x\r\n"])
    func replyCodeOutsideTwoToFiveHundredsIsMalformed(_ input: String) {
        #expect(throws: SMTPError.self) { try decode([input]) }
    }

    @Test(arguments: ["", "\r\n"])
    func overlongLineIsAnErrorInsteadOfUnboundedBuffering(_ ending: String) {
        let long = String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength + 10)
        #expect(throws: SMTPError.self) { try decode(["250 " + long + ending]) }
    }

    @Test func replyWithMoreLinesThanTheLimitIsAnError() {
        let lines = String(repeating: "250-x\r\n", count: SMTPReplyDecoder.maximumLines + 1)
        #expect(throws: SMTPError.self) { try decode([lines]) }
    }

    @Test func controlCharactersInReplyTextAreReplacedSoTheyNeverReachLogsOrTerminals() throws {
        let replies = try decode(["550 no\u{1B}[31m such\ruser\u{7F} \u{85}é\r\n"])
        #expect(replies == [SMTPReply(code: 550, lines: ["no?[31m such?user? ?é"])])
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
