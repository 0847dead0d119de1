import NIOCore

/// Where requests go: scheme, host and port. Connections are kept per endpoint.
public struct HTTPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public enum Scheme: String, Sendable {
        case http, https

        var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public var scheme: Scheme
    /// A name or an address; an IPv6 address without its brackets.
    public var host: String
    public var port: Int

    public init(scheme: Scheme, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port ?? scheme.defaultPort
    }

    /// `hooks.example.com:443`, `[::1]:8080`: how errors name the endpoint.
    public var description: String { "\(bracketedHost):\(port)" }

    /// The `Host` header: the port only when it is not the scheme's own.
    var hostHeader: String { port == scheme.defaultPort ? bracketedHost : "\(bracketedHost):\(port)" }

    /// TLS names a host (SNI) only when it is not an address; an address is checked against the
    /// certificate's IP entries.
    var isIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }

    private var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }
}
