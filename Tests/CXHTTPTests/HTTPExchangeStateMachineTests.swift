@testable import CXHTTP
import NIOCore
import NIOHTTP1
import Testing

/// The connection's state machine alone: which answers leave a connection reusable.
@Suite struct HTTPExchangeStateMachineTests {
    private static let endpoint = HTTPEndpoint(scheme: .http, host: "127.0.0.1", port: 8080)

    private static func head(_ status: HTTPResponseStatus, version: HTTPVersion = .http1_1, _ headers: HTTPHeaders = [:]) -> HTTPResponseHead {
        HTTPResponseHead(version: version, status: status, headers: headers)
    }

    @Test("a complete keep-alive answer to a request written in full leaves the connection reusable")
    func keepAliveAnswerIsReusable() {
        var machine = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        guard case .send = machine.send(bodyLimit: 16) else { Issue.record("expected send"); return }
        _ = machine.requestSent()
        _ = machine.receivedHead(Self.head(.ok))
        _ = machine.receivedBody(ByteBuffer(string: "fine"))
        guard case .succeed(let response, let reuse) = machine.receivedEnd() else { Issue.record("expected an answer"); return }
        #expect(reuse)
        #expect(response.status == .ok && String(buffer: response.body) == "fine" && response.isBodyComplete)
        guard case .send = machine.send(bodyLimit: 16) else { Issue.record("expected a second send"); return }
    }

    @Test(
        "answers that close the connection: Connection: close, HTTP/1.0, or before the request was written",
        arguments: [("close", HTTPVersion.http1_1, true), ("", .http1_0, true), ("", .http1_1, false)])
    func answersThatClose(connection: String, version: HTTPVersion, sent: Bool) {
        var machine = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        _ = machine.send(bodyLimit: 16)
        if sent { _ = machine.requestSent() }
        _ = machine.receivedHead(Self.head(.ok, version: version, connection.isEmpty ? [:] : ["connection": connection]))
        guard case .succeed(_, let reuse) = machine.receivedEnd() else { Issue.record("expected an answer"); return }
        #expect(!reuse)
        guard case .fail(let error, _) = machine.send(bodyLimit: 16) else { Issue.record("expected a refusal"); return }
        #expect(error.kind == .closedBeforeAnswer)
    }

    @Test("a body past the limit ends the exchange with its start and closes the connection")
    func bodyPastTheLimit() {
        var machine = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        _ = machine.send(bodyLimit: 6)
        _ = machine.requestSent()
        _ = machine.receivedHead(Self.head(.badRequest))
        #expect({ if case .none = machine.receivedBody(ByteBuffer(string: "abcd")) { true } else { false } }())
        guard case .succeed(let response, let reuse) = machine.receivedBody(ByteBuffer(string: "efghij")) else {
            Issue.record("expected the answer at the limit"); return
        }
        #expect(!reuse && !response.isBodyComplete && String(buffer: response.body) == "abcdef")
        #expect({ if case .none = machine.receivedEnd() { true } else { false } }())
    }

    @Test("a close before the head and one in the middle of the body are told apart")
    func closeBeforeAndDuringTheAnswer() {
        var before = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        _ = before.send(bodyLimit: 16)
        guard case .fail(let first, false) = before.closed() else { Issue.record("expected a failure"); return }
        #expect(first.kind == .closedBeforeAnswer)

        var during = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        _ = during.send(bodyLimit: 16)
        _ = during.receivedHead(Self.head(.ok))
        guard case .fail(let second, false) = during.closed() else { Issue.record("expected a failure"); return }
        #expect(second.kind == .closedDuringAnswer)
    }

    @Test("an idle connection is retired; one in use is not, and abandoning it fails its exchange and closes it")
    func retireAndAbandon() {
        var idle = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        #expect({ if case .close = idle.retire() { true } else { false } }())

        var busy = HTTPExchangeStateMachine(endpoint: Self.endpoint)
        _ = busy.send(bodyLimit: 16)
        #expect({ if case .none = busy.retire() { true } else { false } }())
        guard case .fail(let error, true) = busy.abandon(HTTPClientError(.timedOut, endpoint: Self.endpoint)) else {
            Issue.record("expected a failure that closes"); return
        }
        #expect(error.kind == .timedOut)
    }
}
