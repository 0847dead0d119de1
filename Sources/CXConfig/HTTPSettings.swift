import CXCore
import Foundation

/// The HTTP service of `cxd run` (`http:` in cxd.yaml): the JSON API, the dashboard, one-click
/// links from reminders, Prometheus metrics and calendar feeds. Absent: no HTTP service, and
/// reminders carry no links.
public struct HTTPSettings: Sendable, Equatable {
    /// Who a bearer token or a dashboard sign-in speaks for.
    public enum Subject: Sendable, Hashable, CustomStringConvertible {
        /// May act on any initiative and post survey answers.
        case admin
        case person(PersonID)

        public var description: String {
            switch self {
            case .admin: "admin"
            case .person(let id): id
            }
        }
    }

    /// One API token as configured; `secret` came from a file or the environment.
    public struct Token: Sendable, Equatable {
        public var subject: Subject
        public var secret: String

        public init(subject: Subject, secret: String) {
            self.subject = subject
            self.secret = secret
        }
    }

    public var host: String
    public var port: Int
    /// Where people reach the service: the base of one-click links and calendar feeds.
    /// Defaults to `http://host:port`.
    public var publicURL: String
    public var tokens: [Token]
    /// Signs one-click links, sign-in cookies and calendar tokens (`link_key_file` /
    /// `link_key_env`); nil: a key generated once and kept in the database.
    public var linkKey: [UInt8]?
    /// How long a one-click link in a reminder stays valid.
    public var linkLifetime: TimeInterval = 14 * 86_400

    public init(host: String, port: Int, publicURL: String? = nil, tokens: [Token] = [], linkKey: [UInt8]? = nil) {
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        self.tokens = tokens
        self.linkKey = linkKey
    }

    /// Moves the service to `host:port`; a public URL that was only the default for the old
    /// address becomes the default for the new one, a configured one stays.
    public mutating func listen(on host: String, port: Int) {
        let defaulted = publicURL == HTTPSettings(host: self.host, port: self.port).publicURL
        self.host = host
        self.port = port
        if defaulted { publicURL = HTTPSettings(host: host, port: port).publicURL }
    }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Parses `HOST:PORT` (`[::1]:8787` for IPv6); nil when it is not one.
    public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(" "), let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
