import Foundation

/// Header values as RFC 5322 and RFC 2047 want them: one line, ASCII, folded to at most 78
/// characters a line. Non-ASCII text becomes `=?UTF-8?B?…?=` encoded words of at most 75
/// characters, split between characters (never inside a UTF-8 sequence).
enum HeaderText {
    /// The longest header line written (without CRLF).
    static let lineLimit = 78
    /// UTF-8 bytes per encoded word: 42 bytes → 56 base64 characters → 68-character words, so a
    /// word fits after `Reply-To: ` on the first line.
    static let bytesPerWord = 42

    /// Text with every control character (CR and LF included) replaced by a space.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }

    /// Unstructured text (a subject) as tokens: plain words when it is printable ASCII whose
    /// words all fit a line, else encoded words.
    static func unstructuredTokens(_ text: String) -> [String] {
        let line = singleLine(text)
        let words = line.split(separator: " ").map(String.init)
        let plain = line.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && !line.contains("=?")
            && words.allSatisfy { $0.utf8.count <= lineLimit - 10 }
        if plain { return words }
        return encodedWords(line)
    }

    /// A display name as phrase tokens: a quoted string when ASCII, else encoded words.
    static func phraseTokens(_ name: String) -> [String] {
        if name.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) && !name.contains("=?") && name.utf8.count <= lineLimit - 12 {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"\(escaped)\""]
        }
        return encodedWords(name)
    }

    /// `text` as B-encoded words, each holding whole characters (grapheme clusters; a cluster
    /// too long for one word is split between Unicode scalars).
    static func encodedWords(_ text: String) -> [String] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        func add(_ bytes: [UInt8]) {
            if current.count + bytes.count > bytesPerWord && !current.isEmpty {
                chunks.append(current)
                current = []
            }
            current += bytes
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= bytesPerWord {
                add(bytes)
            } else {
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }
    }

    /// `Name: token token…` folded before a token whenever the line would pass 78 characters.
    static func fold(name: String, tokens: [String]) -> String {
        var lines: [String] = []
        var line = "\(name):"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken && line.utf8.count + 1 + token.utf8.count > lineLimit {
                lines.append(line)
                line = ""
            }
            line += " " + token
            lineHasToken = true
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// A list of mailboxes as tokens, separated by commas.
    static func addressListTokens(_ addresses: [EmailAddress]) -> [String] {
        var tokens: [String] = []
        for (index, mailbox) in addresses.enumerated() {
            var mailboxTokens = mailbox.displayName.map(phraseTokens) ?? []
            mailboxTokens.append("<\(mailbox.address)>")
            if index < addresses.count - 1 { mailboxTokens[mailboxTokens.count - 1] += "," }
            tokens += mailboxTokens
        }
        return tokens
    }
}
