import Foundation

/// A mailbox: an address with an optional display name.
///
/// Addresses are checked minimally: ASCII, exactly one `@` with text on both sides, no spaces,
/// control characters, angle brackets, commas or quotes, at most 254 characters. (Non-ASCII
/// addresses would need SMTPUTF8, which this client does not speak.) Display names may hold any
/// text; CR, LF and other control characters in them become spaces, so they cannot inject headers.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, checked.
    public let address: String
    /// The name shown with the address, on one line; nil when empty.
    public let displayName: String?

    /// Fails for an address that does not pass the minimal check.
    public init(_ address: String, name: String? = nil) throws(EmailMessageError) {
        guard Self.isValid(address) else { throw EmailMessageError.invalidAddress(Self.printable(address)) }
        self.address = address
        let cleaned = name.map(HeaderText.singleLine)?.trimmingCharacters(in: .whitespaces)
        displayName = (cleaned?.isEmpty ?? true) ? nil : cleaned
    }

    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? "<\(address)>"
    }

    /// The minimal address check (the empty reverse path `<>` is allowed where `allowEmpty`).
    public static func isValid(_ address: String, allowEmpty: Bool = false) -> Bool {
        if address.isEmpty { return allowEmpty }
        guard address.utf8.count <= 254, address.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return false }
        let forbidden: Set<Character> = ["<", ">", ",", "\"", "(", ")", ";", "\\", "[", "]"]
        guard !address.contains(where: forbidden.contains) else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }

    /// The domain part (after `@`).
    public var domain: String {
        String(address[address.index(after: address.lastIndex(of: "@") ?? address.startIndex)...])
    }

    /// An address safe to show in an error: control characters replaced, length bounded.
    static func printable(_ text: String) -> String {
        String(String(text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : Character($0) }).prefix(100))
    }
}

/// Why a message cannot be built.
public enum EmailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case noRecipients
    case invalidHeaderName(String)
    case reservedHeader(String)

    public var description: String {
        switch self {
        case .invalidAddress(let address): return "invalid email address '\(address)'"
        case .noRecipients: return "the message has no recipients"
        case .invalidHeaderName(let name): return "invalid header name '\(name)'"
        case .reservedHeader(let name): return "header '\(name)' is set by the message builder"
        }
    }
}
