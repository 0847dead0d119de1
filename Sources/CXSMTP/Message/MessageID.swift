/// A `Message-ID` (`<left@right>`) derived from an idempotency key: the same key and domain
/// always give the same id, so a message sent twice is recognisable as a duplicate.
///
/// The left part is the key with letters, digits and `-` kept and every other byte written as
/// `_XX` (hex), then `.` and a 64-bit FNV-1a hash of the whole key (which tells apart keys that
/// escape alike once shortened); keys whose escaped form passes 120 characters are shortened.
/// The result is always a valid `dot-atom-text@dot-atom-text`.
public struct MessageID: Sendable, Hashable, CustomStringConvertible {
    /// `<…@…>` as it goes into the header.
    public let value: String

    public init(key: String, domain: String) {
        var left = ""
        for byte in key.utf8 {
            let isAlphanumeric = (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
            if isAlphanumeric || byte == UInt8(ascii: "-") {
                left.append(Character(UnicodeScalar(byte)))
            } else {
                left += "_" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        if left.utf8.count > 120 { left = String(left.prefix(120)) }
        let hash = String(Self.fnv1a(key), radix: 16).leftPadded(to: 16)
        let cleanDomain = Self.dotAtom(domain)
        value = "<\(left.isEmpty ? "" : left + ".")\(hash).cxd@\(cleanDomain)>"
    }

    public var description: String { value }

    /// 64-bit FNV-1a: stable across runs and platforms (unlike `Hasher`).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A domain reduced to letters, digits, `-` and single inner dots; `localhost` if nothing is left.
    static func dotAtom(_ domain: String) -> String {
        let kept = domain.lowercased().unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") }
        let labels = String(String.UnicodeScalarView(kept)).split(separator: ".").filter { !$0.isEmpty }
        return labels.isEmpty ? "localhost" : labels.joined(separator: ".")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
