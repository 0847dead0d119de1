/// Where and how to connect: server, TLS mode, credentials, timeouts.
public struct SMTPConfiguration: Sendable {
    /// How the connection is protected.
    public enum TLSMode: Sendable, Equatable {
        /// TLS from the first byte (submissions port 465).
        case implicit
        /// Plain connection upgraded with STARTTLS. `required`: fail (permanently) when the server
        /// does not offer it; otherwise continue in plain text.
        case startTLS(required: Bool)
        /// Plain text throughout.
        case none

        /// The usual port for the mode: 465, 587 or 25.
        public var defaultPort: Int {
            switch self {
            case .implicit: return 465
            case .startTLS: return 587
            case .none: return 25
            }
        }
    }

    /// A user name and password for AUTH PLAIN or LOGIN. The password is never printed.
    public struct Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The login name for AUTH.
        public var username: String
        /// Sent only inside AUTH commands; never part of a description or an error.
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var description: String { "\(username):<redacted>" }
        public var debugDescription: String { description }
    }

    /// The server's host name (also the name its TLS certificate must carry) or IP address.
    public var host: String
    /// The server's port; `tls.defaultPort` unless given.
    public var port: Int
    /// How the connection is protected.
    public var tls: TLSMode
    /// AUTH credentials; nil to send without authenticating.
    public var credentials: Credentials?
    /// The name sent with EHLO/HELO.
    public var heloName: String
    /// A PEM file of extra CA certificates trusted besides the system's (private CAs, tests).
    public var extraCAFile: String?
    /// How long connecting may take.
    public var connectTimeout: Duration
    /// How long to wait for each reply.
    public var replyTimeout: Duration

    public init(
        host: String, port: Int? = nil, tls: TLSMode = .startTLS(required: true), credentials: Credentials? = nil,
        heloName: String = "localhost", extraCAFile: String? = nil, connectTimeout: Duration = .seconds(30),
        replyTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? tls.defaultPort
        self.tls = tls
        self.credentials = credentials
        self.heloName = heloName
        self.extraCAFile = extraCAFile
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
    }
}
