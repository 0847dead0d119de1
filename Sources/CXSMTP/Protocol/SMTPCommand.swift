/// A client command as it goes on the wire (the encoder adds CRLF).
enum SMTPCommand: Sendable, Equatable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// `AUTH PLAIN <base64>` with the initial response.
    case authPlain(initialResponse: String)
    case authLogin
    /// A base64 line answering a 334 challenge (AUTH LOGIN user name or password).
    case authResponse(String)
    case mailFrom(String)
    case rcptTo(String)
    case data
    /// The message body, already dot-stuffed and ending with `CRLF.CRLF`.
    case body([UInt8])
    case rset
    case quit

    /// Whether `name` may follow EHLO/HELO: a host name or address literal, printable ASCII
    /// without spaces, so it can never end the line and start a command of its own.
    static func isValidHeloName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name.utf8.allSatisfy { (33...126).contains($0) }
    }

    /// The bytes to write, CRLF included.
    var wire: [UInt8] {
        switch self {
        case .body(let bytes): return bytes
        default: return Array((line + "\r\n").utf8)
        }
    }

    private var line: String {
        switch self {
        case .ehlo(let name): return "EHLO \(name)"
        case .helo(let name): return "HELO \(name)"
        case .startTLS: return "STARTTLS"
        case .authPlain(let response): return "AUTH PLAIN \(response)"
        case .authLogin: return "AUTH LOGIN"
        case .authResponse(let response): return response
        case .mailFrom(let address): return "MAIL FROM:<\(address)>"
        case .rcptTo(let address): return "RCPT TO:<\(address)>"
        case .data: return "DATA"
        case .body: return ""
        case .rset: return "RSET"
        case .quit: return "QUIT"
        }
    }

    /// How errors name the command: never with credentials.
    var name: String {
        switch self {
        case .ehlo: return "EHLO"
        case .helo: return "HELO"
        case .startTLS: return "STARTTLS"
        case .authPlain, .authLogin, .authResponse: return "AUTH"
        case .mailFrom: return "MAIL FROM"
        case .rcptTo(let address): return "RCPT TO:<\(address)>"
        case .data: return "DATA"
        case .body: return "message data"
        case .rset: return "RSET"
        case .quit: return "QUIT"
        }
    }
}
