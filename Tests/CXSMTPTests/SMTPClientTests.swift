@testable import CXSMTP
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// What a scripted server received, one string per read.
private final class Transcript: Sendable {
    private let reads = Mutex<[String]>([])

    func append(_ read: String) { reads.withLock { $0.append(read) } }
    var all: [String] { reads.withLock { $0 } }
}

/// A plaintext server on loopback that plays a script: its first write greets, and each read
/// from the client is answered with the next write, however many replies that write holds
/// (how a man in the middle answers). Once the script runs out it only records what arrives.
private final class ScriptedServer: Sendable {
    let port: Int
    let transcript: Transcript
    private let channel: any Channel

    init(_ script: [String]) async throws {
        let transcript = Transcript()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ScriptedServerHandler(script: script, transcript: transcript))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.transcript = transcript
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }
}

private final class ScriptedServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var script: ArraySlice<String>
    private let transcript: Transcript

    init(script: [String], transcript: Transcript) {
        self.script = script[...]
        self.transcript = transcript
    }

    func channelActive(context: ChannelHandlerContext) {
        answer(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        transcript.append(String(buffer: Self.unwrapInboundIn(data)))
        answer(context)
    }

    private func answer(_ context: ChannelHandlerContext) {
        guard let next = script.popFirst() else { return }
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: next)), promise: nil)
    }
}

/// `SMTPClient` over real sockets against a server that misbehaves on purpose.
@Suite struct SMTPClientTests {
    private static let message = SMTPEnvelope(
        sender: "cxd@example.com", recipients: ["owner@example.com"], data: Array("Subject: hi\r\n\r\nHello\r\n".utf8))

    private static func configuration(_ server: ScriptedServer, heloName: String = "localhost") -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: server.port, tls: .startTLS(required: true),
            credentials: .init(username: "cxd", password: "s3cret"), heloName: heloName,
            connectTimeout: .seconds(5), replyTimeout: .seconds(5))
    }

    /// CVE-2011-0411's class: the whole forged session rides in the write that carries the 220.
    @Test func repliesInjectedBehindThe220ToStartTLSNeverMarkMailDelivered() async throws {
        let server = try await ScriptedServer([
            "220 mx.test ready\r\n",
            "250-mx.test\r\n250 STARTTLS\r\n",
            "220 go\r\n250-mx.test\r\n250 AUTH PLAIN\r\n235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n",
        ])
        let results = await SMTPClient.send([Self.message], configuration: Self.configuration(server))
        await server.stop()
        let result = try #require(results.first)
        #expect(!result.isSent)
        #expect(result.error?.severity == .temporary)
        #expect(result.error?.message.contains("after 220 to STARTTLS") == true)
    }

    /// TLS sits in front of the reply decoder: plaintext sent once the handshake began is fed to
    /// TLS (and fails it), never read as replies.
    @Test func plaintextSentAfterThe220ToStartTLSIsReadAsTLSAndFailsTheHandshake() async throws {
        let server = try await ScriptedServer([
            "220 mx.test ready\r\n",
            "250-mx.test\r\n250 STARTTLS\r\n",
            "220 go\r\n",
            "250 AUTH PLAIN\r\n235 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n",
        ])
        let results = await SMTPClient.send([Self.message], configuration: Self.configuration(server))
        await server.stop()
        let result = try #require(results.first)
        #expect(!result.isSent)
        #expect(result.error?.severity == .temporary)
        #expect(result.error?.message.contains("TLS") == true)
    }

    @Test func ehloNameThatWouldSmuggleACommandIsRefusedBeforeConnecting() async throws {
        let server = try await ScriptedServer(["220 mx.test ready\r\n", "250-mx.test\r\n250 STARTTLS\r\n"])
        let configuration = Self.configuration(server, heloName: "cxd.example.com\r\nRSET")
        let results = await SMTPClient.send([Self.message], configuration: configuration)
        await server.stop()
        let error = try #require(results.first?.error)
        #expect(error.severity == .permanent)
        #expect(error.message.contains("EHLO name"))
        #expect(!error.message.contains("\r\n"))
        #expect(server.transcript.all.isEmpty)
    }
}
