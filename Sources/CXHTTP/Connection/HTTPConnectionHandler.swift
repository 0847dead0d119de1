import NIOCore
import NIOHTTP1

/// The last handler of a connection's pipeline (after NIOHTTP1's request encoder and response
/// decoder): writes one request at a time and completes its promise with the answer, driven by
/// `HTTPExchangeStateMachine`. Used on its channel's event loop only.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var machine: HTTPExchangeStateMachine
    private var promise: EventLoopPromise<HTTPResponse>?
    private var context: ChannelHandlerContext?
    /// Called when an answer leaves the connection reusable, before its promise completes (so
    /// that the caller's next request finds it in the pool).
    var reusable: () -> Void = {}

    init(endpoint: HTTPEndpoint) {
        machine = HTTPExchangeStateMachine(endpoint: endpoint)
    }

    /// Writes `request`; `promise` completes with its answer or why there is none.
    func send(_ request: HTTPRequest, bodyLimit: Int, promise: EventLoopPromise<HTTPResponse>) {
        guard let context else {
            promise.fail(HTTPClientError(.closedBeforeAnswer, endpoint: machine.endpoint))
            return
        }
        switch machine.send(bodyLimit: bodyLimit) {
        case .send:
            self.promise = promise
            context.write(Self.wrapOutboundOut(.head(request.head)), promise: nil)
            if request.body.readableBytes > 0 {
                context.write(Self.wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenComplete { [self] result in
                switch result {
                case .success: perform(machine.requestSent())
                case .failure(let error): perform(machine.failed(error))
                }
            }
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: written)
        case let action:
            perform(action, failing: promise)
        }
    }

    /// Ends the exchange in flight with `error` and closes the connection (deadline, cancellation).
    func abandon(_ error: HTTPClientError) {
        perform(machine.abandon(error))
    }

    /// Closes the connection if it is still idle (it stayed in the pool too long).
    func retire() {
        perform(machine.retire())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        perform(machine.closed())
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head): perform(machine.receivedHead(head))
        case .body(let part): perform(machine.receivedBody(part))
        case .end: perform(machine.receivedEnd())
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.closed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.failed(error))
    }

    private func perform(_ action: HTTPExchangeStateMachine.Action, failing other: EventLoopPromise<HTTPResponse>? = nil) {
        switch action {
        case .none, .send:
            break
        case .succeed(let response, let reuse):
            let promise = self.promise
            self.promise = nil
            if reuse { reusable() } else { context?.close(promise: nil) }
            promise?.succeed(response)
        case .fail(let error, let close):
            let promise = other ?? self.promise
            if other == nil { self.promise = nil }
            if close { context?.close(promise: nil) }
            promise?.fail(error)
        case .close:
            context?.close(promise: nil)
        }
    }
}
