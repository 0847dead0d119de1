import NIOCore
import NIOHTTP1

/// The exchanges of one HTTP/1.1 connection, one at a time: pure state, no I/O. Each event
/// returns what the handler must do. A connection is reused only after a complete answer that
/// allows it (`isKeepAlive`), to a request written in full; everything else closes it.
struct HTTPExchangeStateMachine {
    /// The request in flight.
    struct Exchange {
        /// How much of the answer's body is kept; past it the connection closes.
        var bodyLimit: Int
        /// The request's last byte is written.
        var sent = false
    }

    enum State {
        /// No request in flight: new, or back in the pool.
        case idle
        /// The request is being written, or its answer awaited.
        case awaitingHead(Exchange)
        /// The head arrived; the body is being read.
        case readingBody(Exchange, head: HTTPResponseHead, body: ByteBuffer)
        /// Closed, or closing: no request may start.
        case closed
    }

    enum Action {
        case none
        /// Write the request.
        case send
        /// The exchange ends with this answer; the connection may take another request when
        /// `reuse`, else it must close.
        case succeed(HTTPResponse, reuse: Bool)
        /// The exchange ends without an answer; close the connection when `close`.
        case fail(HTTPClientError, close: Bool)
        /// Close the connection (no exchange to end).
        case close
    }

    let endpoint: HTTPEndpoint
    private(set) var state = State.idle

    init(endpoint: HTTPEndpoint) {
        self.endpoint = endpoint
    }

    /// A request is to go out.
    mutating func send(bodyLimit: Int) -> Action {
        switch state {
        case .idle:
            state = .awaitingHead(Exchange(bodyLimit: bodyLimit))
            return .send
        case .closed:
            return .fail(HTTPClientError(.closedBeforeAnswer, endpoint: endpoint), close: false)
        case .awaitingHead, .readingBody:
            // The pool hands a connection to one request at a time.
            preconditionFailure("a second request on a busy HTTP/1.1 connection")
        }
    }

    /// The request's last byte is written.
    mutating func requestSent() -> Action {
        switch state {
        case .awaitingHead(var exchange):
            exchange.sent = true
            state = .awaitingHead(exchange)
        case .readingBody(var exchange, let head, let body):
            exchange.sent = true
            state = .readingBody(exchange, head: head, body: body)
        case .idle, .closed:
            break
        }
        return .none
    }

    mutating func receivedHead(_ head: HTTPResponseHead) -> Action {
        switch state {
        case .awaitingHead(let exchange):
            state = .readingBody(exchange, head: head, body: ByteBuffer())
            return .none
        case .idle:
            state = .closed
            return .close
        case .readingBody, .closed:
            return .none
        }
    }

    mutating func receivedBody(_ part: ByteBuffer) -> Action {
        guard case .readingBody(let exchange, let head, var body) = state else { return .none }
        let room = exchange.bodyLimit - body.readableBytes
        guard part.readableBytes <= room else {
            // Longer than anyone will read: keep the start, leave the rest unread.
            var part = part
            if room > 0, let slice = part.readSlice(length: room) { body.writeImmutableBuffer(slice) }
            state = .closed
            return .succeed(HTTPResponse(status: head.status, headers: head.headers, body: body, isBodyComplete: false), reuse: false)
        }
        body.writeImmutableBuffer(part)
        state = .readingBody(exchange, head: head, body: body)
        return .none
    }

    mutating func receivedEnd() -> Action {
        guard case .readingBody(let exchange, let head, let body) = state else { return .none }
        // An answer that came before the request was written in full (the server did not
        // read it all) leaves the connection in an unknown state.
        let reuse = head.isKeepAlive && exchange.sent
        state = reuse ? .idle : .closed
        return .succeed(HTTPResponse(status: head.status, headers: head.headers, body: body, isBodyComplete: true), reuse: reuse)
    }

    /// The connection closed (by either side).
    mutating func closed() -> Action {
        defer { state = .closed }
        switch state {
        case .awaitingHead:
            return .fail(HTTPClientError(.closedBeforeAnswer, endpoint: endpoint), close: false)
        case .readingBody:
            return .fail(HTTPClientError(.closedDuringAnswer, endpoint: endpoint), close: false)
        case .idle, .closed:
            return .none
        }
    }

    /// The pipeline reported an error (I/O, TLS, a malformed answer).
    mutating func failed(_ error: any Error) -> Action {
        defer { state = .closed }
        switch state {
        case .awaitingHead:
            return .fail(HTTPClientError.classify(error, endpoint: endpoint, phase: .exchanging(answering: false)), close: true)
        case .readingBody:
            return .fail(HTTPClientError.classify(error, endpoint: endpoint, phase: .exchanging(answering: true)), close: true)
        case .idle, .closed:
            return .close
        }
    }

    /// The caller gives up (deadline, cancellation): the exchange ends with `error`.
    mutating func abandon(_ error: HTTPClientError) -> Action {
        defer { state = .closed }
        switch state {
        case .awaitingHead, .readingBody:
            return .fail(error, close: true)
        case .idle, .closed:
            return .close
        }
    }

    /// The pool closes a connection that stayed idle too long.
    mutating func retire() -> Action {
        guard case .idle = state else { return .none }
        state = .closed
        return .close
    }
}
