#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Why a request got no complete answer. `description` is written for the person reading a
/// delivery log: it names the endpoint (`host:port`), never the URL's path or query.
public struct HTTPClientError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The deadline passed: connecting, sending, or waiting for or reading the answer.
        case timedOut
        /// The calling task was cancelled.
        case cancelled
        /// Nothing listens there; `address` is the one that refused (`127.0.0.1:8080`).
        case connectionRefused(address: String)
        /// No connection for another reason: the name does not resolve, no route…
        case cannotConnect
        /// The server closed or reset the connection before the first byte of an answer.
        case closedBeforeAnswer
        /// The server closed or reset the connection in the middle of its answer.
        case closedDuringAnswer
        /// TLS failed: the handshake, the certificate, or the encrypted stream.
        case tls
        /// The answer is not HTTP/1.x this client reads.
        case invalidAnswer
    }

    public var kind: Kind
    public var endpoint: HTTPEndpoint
    /// What the lower layer said, on one line (may be empty).
    public var detail: String

    public init(_ kind: Kind, endpoint: HTTPEndpoint, detail: String = "") {
        self.kind = kind
        self.endpoint = endpoint
        self.detail = detail.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String {
        switch kind {
        case .timedOut: return "no complete answer from \(endpoint) in time"
        case .cancelled: return "the request to \(endpoint) was cancelled"
        case .connectionRefused(let address): return "connection refused by \(address)"
        case .cannotConnect: return "cannot connect to \(endpoint)" + (detail.isEmpty ? "" : ": \(detail)")
        case .closedBeforeAnswer:
            return "\(endpoint) closed the connection before answering" + (detail.isEmpty ? "" : " (\(detail))")
        case .closedDuringAnswer:
            return "\(endpoint) closed the connection in the middle of its answer" + (detail.isEmpty ? "" : " (\(detail))")
        case .tls: return "TLS with \(endpoint) failed" + (detail.isEmpty ? "" : ": \(detail)")
        case .invalidAnswer: return "invalid HTTP answer from \(endpoint)" + (detail.isEmpty ? "" : ": \(detail)")
        }
    }

    /// Where the exchange was when `error` happened.
    enum Phase {
        case connecting
        /// `answering`: a byte of the answer (its head) had arrived.
        case exchanging(answering: Bool)
    }

    /// The client's error for whatever NIO, NIOSSL or the HTTP decoder reported.
    static func classify(_ error: any Error, endpoint: HTTPEndpoint, phase: Phase) -> HTTPClientError {
        if let error = error as? HTTPClientError { return error }
        let closed: Kind
        switch phase {
        case .connecting: closed = .cannotConnect
        case .exchanging(let answering): closed = answering ? .closedDuringAnswer : .closedBeforeAnswer
        }
        switch error {
        case let error as NIOConnectionError:
            if let refused = error.connectionErrors.first(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return HTTPClientError(.connectionRefused(address: address(refused.target)), endpoint: endpoint)
            }
            if error.connectionErrors.contains(where: { isTimeout($0.error) }) {
                return HTTPClientError(.timedOut, endpoint: endpoint)
            }
            if let first = error.connectionErrors.first {
                return HTTPClientError(.cannotConnect, endpoint: endpoint, detail: describe(first.error))
            }
            let dns = error.dnsAError ?? error.dnsAAAAError
            return HTTPClientError(.cannotConnect, endpoint: endpoint, detail: dns.map { "cannot resolve the name (\(describe($0)))" } ?? "no address")
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return HTTPClientError(.connectionRefused(address: endpoint.description), endpoint: endpoint)
        case let error as IOError where [ECONNRESET, EPIPE, ECONNABORTED].contains(error.errnoCode):
            return HTTPClientError(closed, endpoint: endpoint, detail: describe(error))
        case let error as ChannelError:
            if isTimeout(error) { return HTTPClientError(.timedOut, endpoint: endpoint) }
            switch error {
            case .ioOnClosedChannel, .eof, .outputClosed, .alreadyClosed, .inputClosed:
                return HTTPClientError(closed, endpoint: endpoint)
            default:
                return HTTPClientError(closed, endpoint: endpoint, detail: describe(error))
            }
        case NIOSSLError.uncleanShutdown:
            return HTTPClientError(closed, endpoint: endpoint, detail: "without TLS close_notify")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return HTTPClientError(.tls, endpoint: endpoint, detail: describe(error))
        case is HTTPParserError, is NIOHTTPDecoderError:
            return HTTPClientError(.invalidAnswer, endpoint: endpoint, detail: describe(error))
        default:
            return HTTPClientError(phase.isConnecting ? .cannotConnect : closed, endpoint: endpoint, detail: describe(error))
        }
    }

    private static func isTimeout(_ error: any Error) -> Bool {
        if case .connectTimeout = error as? ChannelError { return true }
        return false
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError, let text = strerror(error.errnoCode) { return String(cString: text).lowercased() }
        return String(describing: error)
    }

    /// `127.0.0.1:8080`, `[::1]:8080`.
    private static func address(_ target: SocketAddress) -> String {
        guard let ip = target.ipAddress, let port = target.port else { return "\(target)" }
        return target.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}

extension HTTPClientError.Phase {
    var isConnecting: Bool {
        if case .connecting = self { return true }
        return false
    }
}
