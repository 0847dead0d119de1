import Foundation

/// Text for the SVG journey map: what XML 1.0 allows in it, and lines that fit their boxes.
///
/// Widths are estimated without the font: one unit per character, two for East Asian wide
/// characters and emoji, which roughly match DejaVu Sans at the map's sizes; the callers' widths
/// leave a margin for wide Latin letters.
public enum SVGText {
    /// The text as XML 1.0 character data or attribute value: control characters (every C0
    /// character, including tab and line breaks, which a one-line label cannot show, DEL and
    /// C1) become spaces, the non-characters U+FFFE and U+FFFF become U+FFFD, and `& < > " '`
    /// are escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default:
                if scalar.properties.generalCategory == .control { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// The estimated width of `text` in units (see the type's note).
    static func width(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.generalCategory == .control { return 1 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text` on one line of at most `width` units: unchanged when it fits, else cut and ended
    /// with "…".
    static func shorten(_ text: String, width: Int) -> String {
        let line = JourneyMap.oneLine(text)
        guard Self.width(line) > width else { return line }
        var out = ""
        var used = 0
        for character in line {
            let next = Self.width(of: character)
            if used + next > width - 1 { break }
            out.append(character)
            used += next
        }
        return out.trimmingCharacters(in: .whitespaces) + "…"
    }

    /// Greedy word wrap to lines of at most `width` units; a word longer than a line is broken.
    /// With `maxLines`, the last line kept ends with "…" when text was left out.
    static func wrap(_ text: String, width: Int, maxLines: Int = .max) -> [String] {
        var lines: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { lines.append(current) }
            current = ""
        }
        for word in JourneyMap.oneLine(text).split(separator: " ") {
            var word = word
            if !current.isEmpty, Self.width(current) + 1 + Self.width(word) <= width {
                current += " " + word
                continue
            }
            flush()
            while Self.width(word) > width {
                var cut = word.startIndex
                var used = 0
                while cut < word.endIndex, used + Self.width(of: word[cut]) <= width {
                    used += Self.width(of: word[cut])
                    cut = word.index(after: cut)
                }
                if cut == word.startIndex { cut = word.index(after: cut) }
                lines.append(String(word[..<cut]))
                word = word[cut...]
            }
            current = String(word)
        }
        flush()
        guard lines.count > maxLines, maxLines > 0 else { return lines }
        let kept = Array(lines.prefix(maxLines))
        return Array(kept.dropLast()) + [shorten(kept[maxLines - 1] + " " + lines[maxLines], width: width)]
    }
}
