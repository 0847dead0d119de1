import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A kept-alive connection to one endpoint: its channel and the handler that drives its
/// exchanges, one at a time. Its methods run on the channel's event loop.
final class HTTPConnection: Sendable {
    let endpoint: HTTPEndpoint
    let channel: any Channel
    private let handler: NIOLoopBound<HTTPConnectionHandler>

    var eventLoop: any EventLoop { channel.eventLoop }

    /// Must run on `channel`'s event loop; `reusable` gets the connection back after each
    /// answer that leaves it open.
    private init(
        endpoint: HTTPEndpoint, channel: any Channel, handler: HTTPConnectionHandler,
        reusable: @escaping @Sendable (HTTPConnection) -> Void
    ) {
        self.endpoint = endpoint
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        handler.reusable = { [weak self] in
            if let self { reusable(self) }
        }
    }

    /// Opens a connection on `loop`: TCP (and TLS with `tls`), then NIOHTTP1's request encoder
    /// and response decoder in front of an `HTTPConnectionHandler`.
    static func connect(
        to endpoint: HTTPEndpoint, on loop: any EventLoop, tls: NIOSSLContext?, timeout: TimeAmount,
        reusable: @escaping @Sendable (HTTPConnection) -> Void
    ) -> EventLoopFuture<HTTPConnection> {
        let serverHostname = endpoint.isIPAddress ? nil : endpoint.host
        return ClientBootstrap(group: loop)
            .connectTimeout(max(timeout, .milliseconds(1)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try pipeline.addHandler(HTTPRequestEncoder())
                    try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(NIOHTTPRequestHeadersValidator())
                    try pipeline.addHandler(HTTPConnectionHandler(endpoint: endpoint))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: HTTPConnectionHandler.self)
                return HTTPConnection(endpoint: endpoint, channel: channel, handler: handler, reusable: reusable)
            }
    }

    /// Writes `request`; `promise` completes with the answer (at most `bodyLimit` bytes of body).
    func send(_ request: HTTPRequest, bodyLimit: Int, promise: EventLoopPromise<HTTPResponse>) {
        handler.value.send(request, bodyLimit: bodyLimit, promise: promise)
    }

    /// Ends the exchange in flight with `error` and closes the connection.
    func abandon(_ error: HTTPClientError) {
        handler.value.abandon(error)
    }

    /// Closes the connection if no request took it meanwhile; from any thread.
    func retire() {
        let handler = self.handler
        eventLoop.execute { handler.value.retire() }
    }
}
