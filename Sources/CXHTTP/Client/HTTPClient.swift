import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP/1.1 client for small requests, kept for the life of a process: connections stay
/// open per endpoint (scheme, host, port) and carry one request at a time; every exchange is
/// bounded by a deadline from connecting to the last byte of the answer kept; redirects are
/// never followed. Errors are `HTTPClientError`s that name the endpoint, never the URL.
public final class HTTPClient: Sendable {
    public struct Configuration: Sendable {
        /// For https: the system's trust roots and full verification unless changed.
        public var tls: TLSConfiguration
        /// How long an unused connection stays open.
        public var idleTimeout: Duration
        /// Unused connections kept per endpoint; more close at once.
        public var maximumIdleConnections: Int

        public init(
            tls: TLSConfiguration = .makeClientConfiguration(), idleTimeout: Duration = .seconds(60),
            maximumIdleConnections: Int = 64
        ) {
            self.tls = tls
            self.idleTimeout = idleTimeout
            self.maximumIdleConnections = maximumIdleConnections
        }
    }

    /// The process's client, on NIO's shared event loops.
    public static let shared = HTTPClient()

    private let group: any EventLoopGroup
    private let executors: [ObjectIdentifier: EventLoopTaskExecutor]
    private let pool: HTTPConnectionPool
    private let tls: TLSConfiguration
    /// Made at the first https request (it loads the trust roots), then shared.
    private let tlsContext = Mutex<NIOSSLContext?>(nil)

    public init(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        group = eventLoopGroup
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for loop in eventLoopGroup.makeIterator() { executors[ObjectIdentifier(loop)] = EventLoopTaskExecutor(loop) }
        self.executors = executors
        pool = HTTPConnectionPool(
            idleTimeout: TimeAmount(configuration.idleTimeout), maximumIdle: configuration.maximumIdleConnections)
        tls = configuration.tls
    }

    /// Sends `request` and reads its answer within `timeout`: connecting, sending, the head and
    /// the body, of which at most `bodyLimit` bytes are read (past them the connection closes).
    /// Cancelling the calling task ends the request with `.cancelled`. A request goes out once:
    /// when a kept-alive connection turns out closed by the server, that is the error
    /// (`.closedBeforeAnswer`) and the next request takes a new connection.
    public func execute(_ request: HTTPRequest, bodyLimit: Int, timeout: Duration) async throws(HTTPClientError) -> HTTPResponse {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let here = currentLoop
        if let connection = pool.lease(request.url.endpoint, preferring: here) {
            return try await exchange(request, bodyLimit: bodyLimit, on: connection.eventLoop, over: connection, deadline: deadline)
        }
        return try await exchange(request, bodyLimit: bodyLimit, on: here ?? group.next(), over: nil, deadline: deadline)
    }

    /// The executor of one of the client's event loops, in turn: a task that prefers it
    /// (`withTaskExecutorPreference`) sends and reads without leaving that loop's thread, and
    /// takes the connections kept on that loop first.
    public func nextTaskExecutor() -> any TaskExecutor {
        let loop = group.next()
        return executors[ObjectIdentifier(loop)] ?? EventLoopTaskExecutor(loop)
    }

    /// The event loop running this code, when it is one of this client's.
    private var currentLoop: (any EventLoop)? {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop, executors[ObjectIdentifier(loop)] != nil else { return nil }
        return loop
    }

    private func exchange(
        _ request: HTTPRequest, bodyLimit: Int, on loop: any EventLoop, over connection: HTTPConnection?,
        deadline: NIODeadline
    ) async throws(HTTPClientError) -> HTTPResponse {
        let endpoint = request.url.endpoint
        // A new https connection needs the TLS context (a kept one has its TLS already).
        let tls = endpoint.scheme == .https && connection == nil ? try tlsContext(for: endpoint) : nil
        let promise = loop.makePromise(of: HTTPResponse.self)
        let attempt = NIOLoopBoundBox.makeBoxSendingValue(
            HTTPExchangeAttempt(endpoint: endpoint, promise: promise), eventLoop: loop)
        let pool = self.pool
        let start: @Sendable () -> Void = {
            attempt.value.start(request, bodyLimit: bodyLimit, over: connection, tls: tls, deadline: deadline) {
                pool.release($0)
            }
        }
        if loop.inEventLoop { start() } else { loop.execute(start) }
        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                loop.execute { attempt.value.abandon(HTTPClientError(.cancelled, endpoint: endpoint)) }
            }
        } catch {
            throw HTTPClientError.classify(error, endpoint: endpoint, phase: .exchanging(answering: false))
        }
    }

    private func tlsContext(for endpoint: HTTPEndpoint) throws(HTTPClientError) -> NIOSSLContext {
        let tls = self.tls
        let made: Result<NIOSSLContext, any Error> = tlsContext.withLock { context in
            if let context { return .success(context) }
            return Result {
                let made = try NIOSSLContext(configuration: tls)
                context = made
                return made
            }
        }
        switch made {
        case .success(let context): return context
        case .failure(let error):
            throw HTTPClientError(.tls, endpoint: endpoint, detail: "cannot set up TLS: \(error)")
        }
    }
}

/// One try at an exchange, on one event loop: it ends with the answer, the deadline or a
/// cancellation, whichever comes first; the others then do nothing.
private final class HTTPExchangeAttempt {
    let endpoint: HTTPEndpoint
    let promise: EventLoopPromise<HTTPResponse>
    private var connection: HTTPConnection?
    private var finished = false

    init(endpoint: HTTPEndpoint, promise: EventLoopPromise<HTTPResponse>) {
        self.endpoint = endpoint
        self.promise = promise
    }

    func start(
        _ request: HTTPRequest, bodyLimit: Int, over connection: HTTPConnection?, tls: NIOSSLContext?,
        deadline: NIODeadline, reusable: @escaping @Sendable (HTTPConnection) -> Void
    ) {
        let loop = promise.futureResult.eventLoop
        let timer = loop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            abandon(HTTPClientError(.timedOut, endpoint: endpoint))
        }
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            finished = true
            timer.cancel()
        }
        if let connection {
            self.connection = connection
            connection.send(request, bodyLimit: bodyLimit, promise: promise)
            return
        }
        HTTPConnection.connect(to: endpoint, on: loop, tls: tls, timeout: deadline - .now(), reusable: reusable)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let connection):
                    guard !finished else {
                        // The deadline or a cancellation came first.
                        connection.channel.close(promise: nil)
                        return
                    }
                    self.connection = connection
                    connection.send(request, bodyLimit: bodyLimit, promise: promise)
                case .failure(let error):
                    promise.fail(HTTPClientError.classify(error, endpoint: endpoint, phase: .connecting))
                }
            }
    }

    /// Ends the exchange with `error` (closing its connection) unless it has ended.
    func abandon(_ error: HTTPClientError) {
        guard !finished else { return }
        connection?.abandon(error)
        promise.fail(error)
    }
}
