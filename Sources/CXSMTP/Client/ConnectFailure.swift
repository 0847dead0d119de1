#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Why a connection to the SMTP server could not be made, in words: "connection refused by
/// 127.0.0.1:2525" rather than NIO's "connection reset (error set): Connection refused
/// (errno: 111)". NIO names the address it tried when a host name resolved to several.
enum ConnectFailure {
    static func describe(_ error: any Error, host: String, port: Int, timeout: Duration) -> String {
        let server = address(host: host, port: port)
        switch error {
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first(where: { errno(of: $0.error) == ECONNREFUSED }) {
                return "connection refused by \(address(failure.target))"
            }
            if let failure = error.connectionErrors.first {
                return describe(failure.error, host: host, port: port, timeout: timeout)
            }
            return error.dnsAError != nil || error.dnsAAAAError != nil
                ? "cannot resolve the host name \(host)" : "cannot connect to \(server)"
        case let error as ChannelError:
            if case .connectTimeout = error { return "no answer from \(server) within \(timeout) (connect timeout)" }
            return "cannot connect to \(server): \(error)"
        default:
            switch errno(of: error) {
            case ECONNREFUSED: return "connection refused by \(server)"
            case ECONNRESET: return "connection reset by \(server)"
            case ETIMEDOUT: return "no answer from \(server) (connection timed out)"
            case EHOSTUNREACH, ENETUNREACH: return "\(server) is unreachable from here"
            default: return "cannot connect to \(server): \(SMTPClientHandler.classify(error).message)"
            }
        }
    }

    private static func errno(of error: any Error) -> Int32? { (error as? IOError)?.errnoCode }

    private static func address(host: String, port: Int) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func address(_ target: SocketAddress) -> String {
        guard let ip = target.ipAddress, let port = target.port else { return "\(target)" }
        return target.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
