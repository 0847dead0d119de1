@testable import CXSMTP
import Foundation
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

/// A client session on an `EmbeddedChannel`: the test plays the server, line by line.
private final class ScriptedSession {
    let channel = EmbeddedChannel()
    let promise: EventLoopPromise<[SMTPResult]>
    var tlsStarts = 0
    var results: [SMTPResult]?

    init(_ envelopes: [SMTPEnvelope], configuration: SMTPConfiguration = SMTPConfiguration(host: "mx.test", tls: .none)) throws {
        promise = channel.eventLoop.makePromise(of: [SMTPResult].self)
        let handler = SMTPClientHandler(
            dialogue: SMTPDialogue(envelopes: envelopes, configuration: configuration), promise: promise,
            replyTimeout: .seconds(5)
        ) { [unowned self] _ in tlsStarts += 1 }
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(SMTPReplyDecoder()), MessageToByteHandler(SMTPCommandEncoder()), handler,
        ])
        promise.futureResult.assumeIsolated().whenSuccess { [unowned self] in results = $0 }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 25)).wait()
    }

    /// The server says `reply`; returns what the client wrote in answer.
    @discardableResult
    func server(_ reply: String) throws -> String {
        try serverBytes(reply + "\r\n")
    }

    /// The server sends `bytes` exactly, in one write; returns what the client wrote in answer.
    @discardableResult
    func serverBytes(_ bytes: String) throws -> String {
        try channel.writeInbound(ByteBuffer(string: bytes))
        return written()
    }

    /// NIOSSL reports the TLS handshake complete; returns what the client wrote in answer.
    func handshakeCompleted() -> String {
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        return written()
    }

    func written() -> String {
        var text = ""
        while let buffer = try? channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }
}

private func envelope(_ recipients: [String] = ["owner@example.com"], body: String = "Subject: hi\r\n\r\nHello\r\n") -> SMTPEnvelope {
    SMTPEnvelope(sender: "cxd@example.com", recipients: recipients, data: Array(body.utf8))
}

@Suite struct SMTPDialogueTests {
    @Test func batchOfTwoMessagesUsesOneSessionWithRSETBetweenThem() throws {
        let session = try ScriptedSession([envelope(), envelope(["b@example.com"], body: ".dot\r\n")])
        #expect(try session.server("220 mx.test ready") == "EHLO localhost\r\n")
        #expect(try session.server("250-mx.test\r\n250 8BITMIME") == "MAIL FROM:<cxd@example.com>\r\n")
        #expect(try session.server("250 ok") == "RCPT TO:<owner@example.com>\r\n")
        #expect(try session.server("250 ok") == "DATA\r\n")
        #expect(try session.server("354 go") == "Subject: hi\r\n\r\nHello\r\n.\r\n")
        #expect(try session.server("250 queued") == "RSET\r\n")
        #expect(try session.server("250 reset") == "MAIL FROM:<cxd@example.com>\r\n")
        #expect(try session.server("250 ok") == "RCPT TO:<b@example.com>\r\n")
        #expect(try session.server("250 ok") == "DATA\r\n")
        #expect(try session.server("354 go") == "..dot\r\n.\r\n")
        #expect(try session.server("250 queued") == "QUIT\r\n")
        try session.server("221 bye")
        let results = try #require(session.results)
        #expect(results.map(\.isSent) == [true, true])
        #expect(results[1].acceptedRecipients == ["b@example.com"])
    }

    @Test func ehloRefusedFallsBackToHelo() throws {
        let session = try ScriptedSession([envelope()])
        try session.server("220 old server")
        #expect(try session.server("502 command not implemented") == "HELO localhost\r\n")
        #expect(try session.server("250 hello") == "MAIL FROM:<cxd@example.com>\r\n")
    }

    @Test func requiredStartTLSNotOfferedFailsPermanentlyWithoutSendingMail() throws {
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .startTLS(required: true)))
        try session.server("220 ready")
        let written = try session.server("250-mx.test\r\n250 AUTH PLAIN")
        #expect(!written.contains("MAIL FROM"))
        let result = try #require(session.results?.first)
        #expect(result.error?.severity == .permanent)
        #expect(result.error?.message.contains("STARTTLS") == true)
    }

    @Test func opportunisticStartTLSNotOfferedContinuesInPlainText() throws {
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .startTLS(required: false)))
        try session.server("220 ready")
        #expect(try session.server("250 mx.test") == "MAIL FROM:<cxd@example.com>\r\n")
    }

    @Test func offeredStartTLSUpgradesAndSaysEhloAgainOnlyOnceTheHandshakeCompletes() throws {
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .startTLS(required: true)))
        try session.server("220 ready")
        #expect(try session.server("250-mx.test\r\n250 STARTTLS") == "STARTTLS\r\n")
        #expect(try session.server("220 go ahead") == "")
        #expect(session.tlsStarts == 1)
        #expect(session.handshakeCompleted() == "EHLO localhost\r\n")
        #expect(try session.server("250 mx.test") == "MAIL FROM:<cxd@example.com>\r\n")
    }

    @Test func capabilitiesAnnouncedBeforeTLSAreForgottenOnceItIsUp() throws {
        let credentials = SMTPConfiguration.Credentials(username: "user", password: "s3cret")
        let session = try ScriptedSession(
            [envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .startTLS(required: true), credentials: credentials))
        try session.server("220 ready")
        #expect(try session.server("250-mx.test\r\n250-STARTTLS\r\n250 AUTH PLAIN") == "STARTTLS\r\n")
        try session.server("220 go ahead")
        #expect(session.handshakeCompleted() == "EHLO localhost\r\n")
        #expect(try session.server("250-mx.test\r\n250 8BITMIME") == "")
        let error = try #require(session.results?.first?.error)
        #expect(error.message.contains("no supported AUTH mechanism"))
    }

    /// What a man in the middle appends to the 220 that answers STARTTLS, in the same write: a
    /// forged EHLO reply (with the rest of a forged session), half a reply, an empty line.
    @Test(arguments: [
        "250 AUTH PLAIN\r\n",
        "250-mx.test\r\n250 AUTH PLAIN\r\n235 2.7.0 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n",
        "250-AUTH PLAIN\r\n", "25", "\r\n",
    ])
    func bytesBehindThe220ToStartTLSFailTheSessionAndAreNeverTakenAsReplies(_ injected: String) throws {
        let credentials = SMTPConfiguration.Credentials(username: "user", password: "s3cret")
        let session = try ScriptedSession(
            [envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .startTLS(required: true), credentials: credentials))
        try session.server("220 ready")
        #expect(try session.server("250-mx.test\r\n250 STARTTLS") == "STARTTLS\r\n")
        #expect(try session.serverBytes("220 go\r\n" + injected) == "")
        #expect(session.tlsStarts == 0)
        let result = try #require(session.results?.first)
        #expect(!result.isSent)
        #expect(result.error?.severity == .temporary)
        #expect(result.error?.message.contains("after 220 to STARTTLS") == true)
    }

    @Test func tlsHandshakeThatNeverCompletesTimesOutAsTemporary() throws {
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .startTLS(required: true)))
        try session.server("220 ready")
        try session.server("250-mx.test\r\n250 STARTTLS")
        try session.server("220 go ahead")
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        let error = try #require(session.results?.first?.error)
        #expect(error.severity == .temporary)
        #expect(error.message.contains("timed out") && error.message.contains("TLS handshake"))
    }

    @Test func replyWithMoreDataBehindItFailsTheSessionInsteadOfAnsweringTheNextCommand() throws {
        let session = try ScriptedSession([envelope()])
        try session.server("220 ready")
        #expect(try session.server("250 mx.test") == "MAIL FROM:<cxd@example.com>\r\n")
        #expect(try session.server("250 ok\r\n250 ok") == "")
        let error = try #require(session.results?.first?.error)
        #expect(error.severity == .temporary)
        #expect(error.message.contains("before the client's next command"))
    }

    @Test func messageAcceptedJustBeforeStrayDataStaysSentAndTheRestOfTheBatchIsRetried() throws {
        let session = try ScriptedSession([envelope(), envelope()])
        try session.server("220 ready")
        try session.server("250 mx.test")
        try session.server("250 ok")
        try session.server("250 ok")
        try session.server("354 go")
        #expect(try session.server("250 queued\r\n250 ok") == "")
        let results = try #require(session.results)
        #expect(results[0].isSent)
        #expect(results[1].error?.severity == .temporary)
    }

    @Test func replyWhoseLinesKeepComingStillEndsAtTheReplyTimeout() throws {
        let session = try ScriptedSession([envelope()])
        try session.server("220 ready")
        for _ in 0..<3 {
            try session.serverBytes("250-still going\r\n")
            session.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        }
        let error = try #require(session.results?.first?.error)
        #expect(error.severity == .temporary)
        #expect(error.message.contains("timed out"))
    }

    @Test func authPlainIsPreferredWhenBothMechanismsAreOffered() throws {
        let credentials = SMTPConfiguration.Credentials(username: "user", password: "s3cret")
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .none, credentials: credentials))
        try session.server("220 ready")
        let expected = "AUTH PLAIN " + Data("\u{0}user\u{0}s3cret".utf8).base64EncodedString() + "\r\n"
        #expect(try session.server("250-mx.test\r\n250 AUTH LOGIN PLAIN") == expected)
        #expect(try session.server("235 ok") == "MAIL FROM:<cxd@example.com>\r\n")
    }

    @Test func authLoginIsUsedWhenItIsTheOnlyMechanism() throws {
        let credentials = SMTPConfiguration.Credentials(username: "user", password: "s3cret")
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .none, credentials: credentials))
        try session.server("220 ready")
        #expect(try session.server("250-mx.test\r\n250 AUTH=LOGIN") == "AUTH LOGIN\r\n")
        #expect(try session.server("334 VXNlcm5hbWU6") == "dXNlcg==\r\n")
        #expect(try session.server("334 UGFzc3dvcmQ6") == "czNjcmV0\r\n")
        #expect(try session.server("235 ok") == "MAIL FROM:<cxd@example.com>\r\n")
    }

    @Test func rejectedAuthenticationIsPermanentAndDoesNotQuoteThePassword() throws {
        let credentials = SMTPConfiguration.Credentials(username: "user", password: "s3cret")
        let session = try ScriptedSession([envelope()], configuration: SMTPConfiguration(host: "mx.test", tls: .none, credentials: credentials))
        try session.server("220 ready")
        try session.server("250-mx.test\r\n250 AUTH PLAIN")
        try session.server("535 5.7.8 authentication failed")
        let error = try #require(session.results?.first?.error)
        #expect(error.severity == .permanent)
        #expect(!error.message.contains("s3cret"))
        #expect(!error.message.contains(Data("\u{0}user\u{0}s3cret".utf8).base64EncodedString()))
        #expect(!credentials.description.contains("s3cret"))
    }

    @Test func recipientRefusalsAffectOnlyTheirMessage() throws {
        let session = try ScriptedSession([envelope(["later@example.com"]), envelope(["gone@example.com"]), envelope()])
        try session.server("220 ready")
        try session.server("250 mx.test")
        try session.server("250 ok")
        #expect(try session.server("451 4.3.0 try later") == "RSET\r\n")
        try session.server("250 reset")
        try session.server("250 ok")
        #expect(try session.server("550 5.1.1 no such user") == "RSET\r\n")
        try session.server("250 reset")
        try session.server("250 ok")
        try session.server("250 ok")
        try session.server("354 go")
        try session.server("250 queued")
        try session.server("221 bye")
        let results = try #require(session.results)
        #expect(results[0].error?.severity == .temporary)
        #expect(results[0].rejection(of: "later@example.com")?.severity == .temporary)
        #expect(results[1].error?.severity == .permanent)
        #expect(results[2].isSent)
    }

    @Test func oneRefusedRecipientOfSeveralStillSendsTheMessage() throws {
        let session = try ScriptedSession([envelope(["a@example.com", "b@example.com"])])
        try session.server("220 ready")
        try session.server("250 mx.test")
        try session.server("250 ok")
        try session.server("550 no")
        #expect(try session.server("250 ok") == "DATA\r\n")
        try session.server("354 go")
        #expect(try session.server("250 queued") == "QUIT\r\n")
        try session.server("221 bye")
        let result = try #require(session.results?.first)
        #expect(result.isSent)
        #expect(result.acceptedRecipients == ["b@example.com"])
        #expect(result.rejection(of: "a@example.com")?.severity == .permanent)
    }

    @Test func connectionLostMidBatchKeepsEarlierResultsAndMakesTheRestTemporary() throws {
        let session = try ScriptedSession([envelope(), envelope()])
        try session.server("220 ready")
        try session.server("250 mx.test")
        try session.server("250 ok")
        try session.server("250 ok")
        try session.server("354 go")
        try session.server("250 queued")
        try session.server("250 reset")
        session.channel.pipeline.fireChannelInactive()
        let results = try #require(session.results)
        #expect(results[0].isSent)
        #expect(results[1].error?.severity == .temporary)
    }

    @Test func serverThatStopsAnsweringTimesOutAsTemporary() throws {
        let session = try ScriptedSession([envelope()])
        try session.server("220 ready")
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        let error = try #require(session.results?.first?.error)
        #expect(error.severity == .temporary)
        #expect(error.message.contains("timed out"))
    }

    @Test func greetingWith554IsPermanentAnd421IsTemporary() throws {
        let refused = try ScriptedSession([envelope()])
        try refused.server("554 no service")
        #expect(refused.results?.first?.error?.severity == .permanent)
        let busy = try ScriptedSession([envelope()])
        try busy.server("421 busy")
        #expect(busy.results?.first?.error?.severity == .temporary)
    }

    @Test func invalidEnvelopeAddressFailsThatMessageWithoutSendingIt() throws {
        let session = try ScriptedSession([envelope(["bad\r\nRCPT TO:<x@y>"]), envelope()])
        try session.server("220 ready")
        let written = try session.server("250 mx.test") + session.server("250 ok")
        #expect(written == "MAIL FROM:<cxd@example.com>\r\nRCPT TO:<owner@example.com>\r\n")
        #expect(session.results == nil)
    }
}
