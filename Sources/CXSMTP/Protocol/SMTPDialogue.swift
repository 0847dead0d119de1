import Foundation

/// The client side of an SMTP session as a state machine: one `mutating func` per event
/// (a reply, TLS established, a connection failure) returning what to do next. No I/O here.
///
/// Flow: greeting → EHLO (HELO when EHLO gets 5xx) → STARTTLS and EHLO again when configured →
/// AUTH PLAIN or LOGIN (PLAIN preferred) when credentials are given → per message MAIL FROM,
/// RCPT TO per recipient, DATA, with RSET between messages → QUIT.
///
/// One command, one reply: the client never pipelines, so a reply with data already behind it
/// ends the session (see `receive(_:followedByData:)`).
struct SMTPDialogue {
    enum Action: Equatable {
        case send(SMTPCommand)
        /// Put TLS between the connection and the reply decoder, then call `tlsStarted()` once
        /// the handshake has completed.
        case startTLS
        /// The session is over and `results` is complete: close the connection.
        case close
        case none
    }

    enum State: Equatable {
        case greeting
        case ehlo
        case helo
        case startTLS
        case awaitingTLS
        case authPlain
        case authLoginUsername
        case authLoginPassword
        case authLoginResult
        case mailFrom(Int)
        case rcptTo(Int, Int)
        case data(Int)
        case body(Int)
        case rset(next: Int)
        case quit
        case finished
    }

    private let envelopes: [SMTPEnvelope]
    private let tls: SMTPConfiguration.TLSMode
    private let credentials: SMTPConfiguration.Credentials?
    private let heloName: String
    private(set) var state: State = .greeting
    /// Whether the connection is encrypted now.
    private(set) var secured: Bool
    private(set) var capabilities: [String: [String]] = [:]
    private var results: [SMTPResult?]
    private var recipients: [SMTPResult.Recipient] = []

    init(envelopes: [SMTPEnvelope], configuration: SMTPConfiguration) {
        self.envelopes = envelopes
        tls = configuration.tls
        credentials = configuration.credentials
        heloName = configuration.heloName
        secured = configuration.tls == .implicit
        results = envelopes.map { envelope in
            let addresses = [envelope.sender] + envelope.recipients
            if let bad = addresses.first(where: { !EmailAddress.isValid($0, allowEmpty: $0 == envelope.sender) }) {
                return SMTPResult(
                    error: SMTPError(.permanent, "invalid address '\(EmailAddress.printable(bad))'"),
                    recipients: envelope.recipients.map { .init(address: $0) })
            }
            if envelope.recipients.isEmpty {
                return SMTPResult(error: SMTPError(.permanent, "the message has no recipients"), recipients: [])
            }
            return nil
        }
    }

    /// Every envelope's result; those the session never finished carry `interrupted`.
    func results(interrupted: SMTPError = SMTPError(.temporary, "the session ended before the message was sent")) -> [SMTPResult] {
        results.enumerated().map { index, result in
            result ?? SMTPResult(error: interrupted, recipients: envelopes[index].recipients.map { .init(address: $0) })
        }
    }

    /// True once every envelope has a result.
    var isComplete: Bool { !results.contains(nil) }

    // MARK: Events

    /// A reply from the server. `followedByData`: more bytes had already arrived behind it, so the
    /// server sent them before it could have read the next command. Behind the 220 to STARTTLS
    /// they would pass for what came through TLS (CVE-2011-0411's class): the session fails
    /// without starting TLS. Anywhere else the server is out of step: the reply still counts
    /// (a message it accepted stays sent) but nothing more is sent.
    mutating func receive(_ reply: SMTPReply, followedByData: Bool) -> Action {
        guard followedByData, state != .finished else { return answer(reply) }
        if state == .startTLS && reply.code == 220 {
            return fail(SMTPError(.temporary, "the server sent data after 220 to STARTTLS (possible injection); refusing"))
        }
        let action = answer(reply)
        if action == .close || action == .none { return action }
        return fail(SMTPError(
            .temporary, "the server sent data behind its reply \(reply.code) before the client's next command (out of step or injected); refusing"))
    }

    private mutating func answer(_ reply: SMTPReply) -> Action {
        if reply.code == 421 && state != .quit && state != .finished {
            return fail(.rejected("the session", reply))
        }
        switch state {
        case .greeting:
            guard reply.code == 220 else { return fail(.rejected("the greeting", reply)) }
            return transition(.ehlo, send: .ehlo(heloName))
        case .ehlo:
            if reply.isPositiveCompletion {
                parseCapabilities(reply)
                return afterHello()
            }
            if !reply.isTemporaryFailure { return transition(.helo, send: .helo(heloName)) }
            return fail(.rejected("EHLO", reply))
        case .helo:
            guard reply.isPositiveCompletion else { return fail(.rejected("HELO", reply)) }
            capabilities = [:]
            return afterHello()
        case .startTLS:
            if reply.code == 220 {
                state = .awaitingTLS
                return .startTLS
            }
            if tls == .startTLS(required: true) { return fail(.rejected("STARTTLS", reply)) }
            return afterTLS()
        case .awaitingTLS:
            return fail(SMTPError(.temporary, "the server spoke before the TLS handshake: \(reply)"))
        case .authPlain, .authLoginResult:
            guard reply.code == 235 else { return fail(.rejected("authentication", reply)) }
            return startMessage(from: 0)
        case .authLoginUsername:
            guard reply.code == 334, let credentials else { return fail(.rejected("AUTH LOGIN", reply)) }
            return transition(.authLoginPassword, send: .authResponse(Self.base64(credentials.username)))
        case .authLoginPassword:
            guard reply.code == 334, let credentials else { return fail(.rejected("authentication", reply)) }
            return transition(.authLoginResult, send: .authResponse(Self.base64(credentials.password)))
        case .mailFrom(let index):
            guard reply.isPositiveCompletion else { return finishMessage(index, .rejected("MAIL FROM", reply)) }
            recipients = []
            return transition(.rcptTo(index, 0), send: .rcptTo(envelopes[index].recipients[0]))
        case .rcptTo(let index, let position):
            let addresses = envelopes[index].recipients
            recipients.append(.init(address: addresses[position], reply: reply))
            if position + 1 < addresses.count {
                return transition(.rcptTo(index, position + 1), send: .rcptTo(addresses[position + 1]))
            }
            if recipients.contains(where: \.accepted) { return transition(.data(index), send: .data) }
            let temporary = recipients.contains { $0.reply?.isTemporaryFailure ?? false }
            let first = recipients.first?.reply.map(\.description) ?? ""
            return finishMessage(
                index, SMTPError(temporary ? .temporary : .permanent, "every recipient was rejected: \(first)", reply: recipients.first?.reply))
        case .data(let index):
            guard reply.code == 354 else { return finishMessage(index, .rejected("DATA", reply)) }
            return transition(.body(index), send: .body(MessageData.transparent(envelopes[index].data)))
        case .body(let index):
            guard reply.isPositiveCompletion else { return finishMessage(index, .rejected("the message", reply)) }
            return finishMessage(index, nil)
        case .rset(let next):
            guard reply.isPositiveCompletion else { return fail(.rejected("RSET", reply)) }
            return transition(.mailFrom(next), send: .mailFrom(envelopes[next].sender))
        case .quit:
            state = .finished
            return .close
        case .finished:
            return .none
        }
    }

    /// The TLS handshake after STARTTLS completed: say hello again (capabilities may change).
    /// Ignored in any other state (implicit TLS reports its handshake too).
    mutating func tlsStarted() -> Action {
        guard state == .awaitingTLS else { return .none }
        secured = true
        return transition(.ehlo, send: .ehlo(heloName))
    }

    /// The connection failed (timeout, reset, TLS error, server reply ending the session): the
    /// unfinished messages get `error`, finished ones keep their results.
    mutating func fail(_ error: SMTPError) -> Action {
        switch state {
        case .finished: return .none
        case .quit:
            state = .finished
            return .close
        default:
            for index in results.indices where results[index] == nil {
                var tried = envelopes[index].recipients.map { SMTPResult.Recipient(address: $0) }
                if case .rcptTo(index, _) = state { tried.replaceSubrange(0..<recipients.count, with: recipients) }
                if case .data(index) = state { tried = recipients }
                if case .body(index) = state { tried = recipients }
                results[index] = SMTPResult(error: error, recipients: tried)
            }
            state = .finished
            return .close
        }
    }

    // MARK: Steps

    private mutating func transition(_ next: State, send command: SMTPCommand) -> Action {
        state = next
        return .send(command)
    }

    private mutating func afterHello() -> Action {
        if !secured, case .startTLS(let required) = tls {
            if capabilities["STARTTLS"] != nil { return transition(.startTLS, send: .startTLS) }
            if required {
                return fail(SMTPError(.permanent, "the server does not offer STARTTLS, which tls: starttls requires"))
            }
        }
        return afterTLS()
    }

    private mutating func afterTLS() -> Action {
        guard let credentials else { return startMessage(from: 0) }
        if !secured && tls != .none {
            return fail(SMTPError(.permanent, "refusing to send credentials over an unencrypted connection"))
        }
        let mechanisms = Set((capabilities["AUTH"] ?? []).map { $0.uppercased() })
        if mechanisms.contains("PLAIN") {
            let response = Self.base64("\u{0}\(credentials.username)\u{0}\(credentials.password)")
            return transition(.authPlain, send: .authPlain(initialResponse: response))
        }
        if mechanisms.contains("LOGIN") { return transition(.authLoginUsername, send: .authLogin) }
        let offered = mechanisms.isEmpty ? "none" : mechanisms.sorted().joined(separator: " ")
        return fail(SMTPError(.permanent, "the server offers no supported AUTH mechanism (PLAIN, LOGIN); offered: \(offered)"))
    }

    /// MAIL FROM for the first envelope from `index` on that is still to send, else QUIT.
    private mutating func startMessage(from index: Int) -> Action {
        guard let next = results.indices.first(where: { $0 >= index && results[$0] == nil }) else {
            return transition(.quit, send: .quit)
        }
        return transition(.mailFrom(next), send: .mailFrom(envelopes[next].sender))
    }

    /// Records a message's result, then RSET before the next one, or QUIT.
    private mutating func finishMessage(_ index: Int, _ error: SMTPError?) -> Action {
        var tried = recipients
        if tried.count < envelopes[index].recipients.count {
            tried += envelopes[index].recipients[tried.count...].map { SMTPResult.Recipient(address: $0) }
        }
        results[index] = SMTPResult(error: error, recipients: tried)
        recipients = []
        guard let next = results.indices.first(where: { $0 > index && results[$0] == nil }) else {
            return transition(.quit, send: .quit)
        }
        return transition(.rset(next: next), send: .rset)
    }

    private mutating func parseCapabilities(_ reply: SMTPReply) {
        capabilities = [:]
        for line in reply.lines.dropFirst() {
            var words = line.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst().uppercased()
            // Old servers announce `AUTH=LOGIN PLAIN`.
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            capabilities[keyword, default: []] += words
        }
    }

    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}

extension SMTPResult.Recipient {
    init(address: String) {
        self.init(address: address, reply: nil)
    }
}
