import Crypto
import Foundation

/// HMAC-SHA256 with the installation's link key: signs one-click links, dashboard sign-ins and
/// calendar tokens, and checks them in constant time.
public struct Signer: Sendable {
    private let key: SymmetricKey

    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// A key of its own for each use (links, sessions, calendars), so that a value signed for
    /// one can never pass as another.
    public func derived(_ purpose: String) -> Signer {
        Signer(key: Array(HMAC<SHA256>.authenticationCode(for: Array("cxd/\(purpose)".utf8), using: key)))
    }

    public func signature(of message: some DataProtocol) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    public func isValid(_ signature: [UInt8], for message: some DataProtocol) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: message, using: key)
    }

    /// `message` and its signature, both base64url: `<message>.<signature>`.
    public func token(for message: String) -> String {
        Base64URL.encode(Array(message.utf8)) + "." + Base64URL.encode(signature(of: Array(message.utf8)))
    }

    /// The message of a token this signer made; nil when it is malformed or its signature
    /// does not match (tampered, or signed with another key).
    public func message(of token: some StringProtocol) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let message = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]),
            isValid(signature, for: message)
        else { return nil }
        return String(bytes: message, encoding: .utf8)
    }
}

/// Base64 with the URL alphabet and no padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.count < 4096, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}

/// Compares two secrets in time that depends only on their lengths' digests: both are hashed
/// first, so neither the position of the first difference nor the length leaks.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = SHA256.hash(data: Array(a.utf8)), y = SHA256.hash(data: Array(b.utf8))
    var difference: UInt8 = 0
    for (p, q) in zip(x, y) { difference |= p ^ q }
    return difference == 0
}
