import Foundation

/// Quoted-printable body encoding (RFC 2045 §6.7) of UTF-8 text: line breaks become CRLF, every
/// encoded line is at most 76 characters (soft breaks `=` where needed), `=`, control and
/// non-ASCII bytes and whitespace before a line break are escaped.
enum QuotedPrintable {
    static let lineLimit = 76

    static func encode(_ text: String) -> String {
        var output: [String] = []
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            output.append(encodeLine(Array(line.utf8)))
        }
        return output.joined(separator: "\r\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var lines: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == 32 || byte == 9) && !isLast)
            let token = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
            // Keep room for the soft break `=` unless this is the line's last token.
            let room = isLast ? lineLimit : lineLimit - 1
            if current.utf8.count + token.utf8.count > room {
                lines.append(current + "=")
                current = ""
            }
            current += token
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
