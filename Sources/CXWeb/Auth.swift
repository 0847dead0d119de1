import CXConfig
import CXCore
import CXEngine
import Foundation
import HTTPTypes
import Hummingbird

/// Who a request speaks for: a bearer token (API), or the dashboard's sign-in cookie.
struct Authenticator: Sendable {
    let tokens: [HTTPSettings.Token]
    /// Signs sign-in cookies and CSRF tokens.
    let sessions: Signer
    /// How long a dashboard sign-in lasts.
    static let sessionLifetime: TimeInterval = 12 * 3600
    static let cookieName = "cxd_session"

    /// The subject whose token this is; every configured token is compared, in constant time.
    func subject(forToken token: String) -> HTTPSettings.Subject? {
        var found: HTTPSettings.Subject?
        for candidate in tokens where constantTimeEquals(candidate.secret, token) { found = candidate.subject }
        return found
    }

    /// The subject of `Authorization: Bearer …`; nil when the header is absent. A header that
    /// names no configured token is refused (401).
    func bearer(_ request: Request) throws -> HTTPSettings.Subject? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, "expected `Authorization: Bearer TOKEN`", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let subject = subject(forToken: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, "unknown or revoked token", headers: [.wwwAuthenticate: "Bearer"])
        }
        return subject
    }

    /// The subject of a request that must be authenticated (401 otherwise).
    func require(_ request: Request) throws -> HTTPSettings.Subject {
        guard let subject = try bearer(request) ?? session(request)?.subject else {
            throw APIError(.unauthorized, "this needs `Authorization: Bearer TOKEN` (a token from http.tokens)", headers: [.wwwAuthenticate: "Bearer"])
        }
        return subject
    }

    // MARK: - Dashboard sign-in

    struct Session: Sendable {
        var subject: HTTPSettings.Subject
        /// The cookie's value: CSRF tokens are bound to it.
        var cookie: String
    }

    /// A cookie value for `subject`, valid until `expires`. It names the token it was made
    /// from by a digest, so that removing the token from http.tokens ends the sign-in too.
    func cookie(for subject: HTTPSettings.Subject, token: String, at now: Date) -> String {
        let expires = Int64(now.addingTimeInterval(Self.sessionLifetime).timeIntervalSince1970)
        return sessions.token(for: "s1|\(subject)|\(expires)|\(fingerprint(token))")
    }

    func session(_ request: Request, at now: Date = Date()) -> Session? {
        guard let value = request.cookies[Self.cookieName]?.value, let message = sessions.message(of: value) else { return nil }
        let fields = message.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, fields[0] == "s1", let expires = Int64(fields[2]), TimeInterval(expires) > now.timeIntervalSince1970,
            let token = tokens.first(where: { fingerprint($0.secret) == fields[3] }), token.subject.description == fields[1]
        else { return nil }
        return Session(subject: token.subject, cookie: value)
    }

    /// The CSRF token forms of this session carry (a signature of the cookie).
    func csrfToken(for session: Session) -> String {
        Base64URL.encode(sessions.derived("csrf").signature(of: Array(session.cookie.utf8)))
    }

    func csrfIsValid(_ token: String?, for session: Session) -> Bool {
        guard let token, let bytes = Base64URL.decode(token) else { return false }
        return sessions.derived("csrf").isValid(bytes, for: Array(session.cookie.utf8))
    }

    /// Names a token inside a cookie without revealing it: keyed with the installation's
    /// secret, so a cookie gives nothing to guess the token against offline.
    func fingerprint(_ token: String) -> String {
        Base64URL.encode(Array(sessions.derived("token-fingerprint").signature(of: Array(token.utf8)).prefix(12)))
    }
}
