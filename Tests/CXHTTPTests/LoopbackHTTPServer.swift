import CXTestSupport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 (plain, or TLS with a test certificate) for the client's
/// tests. It reads requests itself (head, then a `Content-Length` body) and answers each with the
/// next entry of its script, so that it can misbehave on purpose; once the script runs out it
/// answers 200 and keeps the connection. It counts the connections it accepts and sees close.
final class LoopbackHTTPServer: Sendable {
    enum Answer: Sendable {
        /// `status` with `body`; `Connection: close` and a close after it when `close`.
        case status(Int, body: String = "", headers: [String: String] = [:], close: Bool = false)
        /// 200, the connection kept (no `Connection: close`), then closed by the server.
        case okThenClose
        /// The connection closed without an answer.
        case drop
        /// A head announcing `length` bytes of body, `sent` of them, then nothing more.
        case stallInBody(length: Int, sent: Int)
        /// No answer at all, the connection kept open.
        case silence
        /// 200 with a body of `length` bytes.
        case longBody(Int)
    }

    /// A request as the server read it.
    struct Request: Sendable {
        /// 1 for the first connection accepted, 2 for the next…
        var connection: Int
        var requestLine: String
        /// Names lowercased.
        var headers: [String: String]
        var body: String
    }

    let port: Int
    private let record: Record
    private let channel: any Channel

    var accepted: Int { record.state.withLock { $0.accepted } }
    var closed: Int { record.state.withLock { $0.closed } }
    var requests: [Request] { record.state.withLock { $0.requests } }

    init(_ script: [Answer] = [], certificate: TestCertificate? = nil) async throws {
        let record = Record(script: script)
        var tls: NIOSSLContext?
        if let certificate {
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.key, format: .pem)))
            tls = try NIOSSLContext(configuration: configuration)
        }
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [tls] child in
                child.eventLoop.makeCompletedFuture {
                    if let tls { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try child.pipeline.syncOperations.addHandler(ScriptedHTTPHandler(record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.record = record
        port = channel.localAddress?.port ?? 0
    }

    func url(_ path: String = "/hooks", scheme: String = "http") -> String {
        "\(scheme)://127.0.0.1:\(port)\(path)"
    }

    func stop() async {
        try? await channel.close()
    }
}

/// What the server saw, shared by its connections.
private final class Record: Sendable {
    struct State {
        var script: ArraySlice<LoopbackHTTPServer.Answer>
        var accepted = 0
        var closed = 0
        var requests: [LoopbackHTTPServer.Request] = []
    }

    let state: Mutex<State>

    init(script: [LoopbackHTTPServer.Answer]) {
        state = Mutex(State(script: script[...]))
    }
}

private final class ScriptedHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let record: Record
    private var connection = 0
    private var buffer = ByteBuffer()
    /// Set once an answer stalls or stays silent: later bytes are ignored.
    private var stalled = false

    init(record: Record) {
        self.record = record
    }

    func channelActive(context: ChannelHandlerContext) {
        connection = record.state.withLock { state in
            state.accepted += 1
            return state.accepted
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        record.state.withLock { $0.closed += 1 }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = Self.unwrapInboundIn(data)
        buffer.writeBuffer(&part)
        while !stalled, let request = nextRequest() {
            let answer = record.state.withLock { state in
                state.requests.append(request)
                return state.script.popFirst() ?? .status(200)
            }
            reply(answer, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// A whole request from the buffer, if it holds one.
    private func nextRequest() -> LoopbackHTTPServer.Request? {
        let text = String(buffer: buffer)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let headLength = text.utf8.distance(from: text.startIndex, to: end.upperBound)
        let bodyLength = Int(headers["content-length"] ?? "0") ?? 0
        guard buffer.readableBytes >= headLength + bodyLength else { return nil }
        buffer.moveReaderIndex(forwardBy: headLength)
        let body = buffer.readString(length: bodyLength) ?? ""
        buffer.discardReadBytes()
        return LoopbackHTTPServer.Request(connection: connection, requestLine: lines[0], headers: headers, body: body)
    }

    private func reply(_ answer: LoopbackHTTPServer.Answer, context: ChannelHandlerContext) {
        switch answer {
        case .status(let status, let body, let headers, let close):
            var head = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.utf8.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            if close { head += "Connection: close\r\n" }
            write(head + "\r\n" + body, context: context, thenClose: close)
        case .okThenClose:
            write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", context: context, thenClose: true)
        case .drop:
            stalled = true
            context.close(promise: nil)
        case .stallInBody(let length, let sent):
            stalled = true
            write("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n" + String(repeating: "x", count: sent), context: context)
        case .silence:
            stalled = true
        case .longBody(let length):
            write("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n" + String(repeating: "y", count: length), context: context)
        }
    }

    private func write(_ text: String, context: ChannelHandlerContext, thenClose: Bool = false) {
        let written = context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: text)))
        if thenClose {
            stalled = true
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
