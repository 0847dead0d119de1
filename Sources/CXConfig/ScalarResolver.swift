import Yams

/// The implicit tag of a plain scalar, decided by hand-written matchers equivalent to Yams'
/// default resolver (YAML 1.1 rules: bool, int, float, merge, null, timestamp, value, in that
/// order; anything else is a string).
///
/// Yams' resolver runs up to seven `NSRegularExpression`s per scalar; a 2 kB initiative file has
/// a hundred scalars, and this was most of the time of reading one. The YAML is composed with
/// `Resolver.basic` (no rules) and tags are resolved here instead. `ScalarResolverTests`
/// checks the equivalence against Yams' own resolver.
enum ScalarResolver {
    /// The tag of `node`: its explicit tag, else the implicit tag of a plain scalar, else the
    /// tag of its kind.
    static func tagName(of node: Node) -> Tag.Name {
        guard case .scalar(let scalar) = node else { return node.tagName }
        // Read before anything resolves it: "" is a plain scalar without a tag, "!" a quoted one.
        let written = scalar.tag.description
        if written.isEmpty { return resolve(scalar.string) }
        if written == "!" { return .str }
        return node.tagName
    }

    /// The implicit tag of a plain scalar's text.
    static func resolve(_ text: String) -> Tag.Name {
        let bytes = Array(text.utf8)
        if isBool(bytes) { return .bool }
        if isInt(bytes) { return .int }
        if isFloat(bytes) { return .float }
        if bytes == [UInt8(ascii: "<"), UInt8(ascii: "<")] { return .merge }
        if isNull(bytes) { return .null }
        if isTimestamp(bytes) { return .timestamp }
        if bytes == [UInt8(ascii: "=")] { return .value }
        return .str
    }

    private static let bools: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
    private static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    private static func isBool(_ bytes: [UInt8]) -> Bool {
        bytes.count <= 5 && bools.contains(String(decoding: bytes, as: UTF8.self))
    }

    private static func isNull(_ bytes: [UInt8]) -> Bool {
        bytes.count <= 4 && nulls.contains(String(decoding: bytes, as: UTF8.self))
    }

    // MARK: - A cursor over the bytes

    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }
        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: Character) -> Bool {
            guard let current, current == byte.asciiValue else { return false }
            index += 1
            return true
        }

        mutating func take(where predicate: (UInt8) -> Bool) -> Bool {
            guard let current, predicate(current) else { return false }
            index += 1
            return true
        }

        /// Takes as many as match; returns how many.
        @discardableResult
        mutating func takeAll(where predicate: (UInt8) -> Bool) -> Int {
            let start = index
            while let current, predicate(current) { index += 1 }
            return index - start
        }

        mutating func sign() { _ = take("-") || take("+") }

        /// Takes one of the `words` when it follows.
        mutating func takeWord(_ words: [String]) -> Bool {
            for word in words {
                let utf8 = Array(word.utf8)
                if bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8 {
                    index += utf8.count
                    return true
                }
            }
            return false
        }
    }

    private static func digit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    private static func digitOrUnderscore(_ byte: UInt8) -> Bool { digit(byte) || byte == 95 }

    /// Runs `match` on a fresh cursor; true when it matched the whole text.
    private static func whole(_ bytes: [UInt8], _ match: (inout Cursor) -> Bool) -> Bool {
        var cursor = Cursor(bytes: bytes)
        return match(&cursor) && cursor.atEnd
    }

    /// `(?::[0-5]?[0-9])+`
    private static func sexagesimalTail(_ cursor: inout Cursor) -> Bool {
        var groups = 0
        while cursor.take(":") {
            // `[0-5]?[0-9]`: one digit, or two with the first in 0-5.
            guard let first = cursor.current, digit(first) else { return false }
            cursor.index += 1
            if let second = cursor.current, digit(second) {
                guard first <= UInt8(ascii: "5") else { return false }
                cursor.index += 1
            }
            groups += 1
        }
        return groups > 0
    }

    private static func isInt(_ bytes: [UInt8]) -> Bool {
        // [-+]?0b[0-1_]+
        if whole(bytes, { c in c.sign(); return c.take("0") && c.take("b") && c.takeAll(where: { $0 == 48 || $0 == 49 || $0 == 95 }) > 0 }) {
            return true
        }
        // [-+]?0o?[0-7_]+
        if whole(bytes, { c in
            c.sign()
            guard c.take("0") else { return false }
            _ = c.take("o")
            return c.takeAll(where: { ($0 >= 48 && $0 <= 55) || $0 == 95 }) > 0
        }) { return true }
        // [-+]?(?:0|[1-9][0-9_]*)
        if whole(bytes, { c in
            c.sign()
            if c.take("0") { return true }
            guard c.take(where: { $0 >= 49 && $0 <= 57 }) else { return false }
            c.takeAll(where: digitOrUnderscore)
            return true
        }) { return true }
        // [-+]?0x[0-9a-fA-F_]+
        if whole(bytes, { c in
            c.sign()
            return c.take("0") && c.take("x")
                && c.takeAll(where: { digit($0) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) || $0 == 95 }) > 0
        }) { return true }
        // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
        return whole(bytes, { c in
            c.sign()
            guard c.take(where: { $0 >= 49 && $0 <= 57 }) else { return false }
            c.takeAll(where: digitOrUnderscore)
            return sexagesimalTail(&c)
        })
    }

    private static func isFloat(_ bytes: [UInt8]) -> Bool {
        // [-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        if whole(bytes, { c in
            c.sign()
            guard c.take(where: digit) else { return false }
            c.takeAll(where: digitOrUnderscore)
            if c.take(".") { c.takeAll(where: digitOrUnderscore) }
            if c.take("e") || c.take("E") {
                c.sign()
                return c.takeAll(where: digit) > 0
            }
            return true
        }) { return true }
        // \.[0-9_]+(?:[eE][-+][0-9]+)?
        if whole(bytes, { c in
            guard c.take("."), c.takeAll(where: digitOrUnderscore) > 0 else { return false }
            if c.take("e") || c.take("E") {
                guard c.take("-") || c.take("+") else { return false }
                return c.takeAll(where: digit) > 0
            }
            return true
        }) { return true }
        // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        if whole(bytes, { c in
            c.sign()
            guard c.take(where: digit) else { return false }
            c.takeAll(where: digitOrUnderscore)
            guard sexagesimalTail(&c), c.take(".") else { return false }
            c.takeAll(where: digitOrUnderscore)
            return true
        }) { return true }
        // [-+]?\.(?:inf|Inf|INF)
        if whole(bytes, { c in c.sign(); return c.take(".") && c.takeWord(["inf", "Inf", "INF"]) }) { return true }
        // \.(?:nan|NaN|NAN)
        return whole(bytes, { c in c.take(".") && c.takeWord(["nan", "NaN", "NAN"]) })
    }

    private static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        func digits(_ c: inout Cursor, _ range: ClosedRange<Int>) -> Bool {
            var count = 0
            while count < range.upperBound, c.take(where: digit) { count += 1 }
            return range.contains(count)
        }
        // [0-9]{4}-[0-9]{2}-[0-9]{2}
        if whole(bytes, { c in digits(&c, 4...4) && c.take("-") && digits(&c, 2...2) && c.take("-") && digits(&c, 2...2) }) {
            return true
        }
        // [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
        //   (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
        return whole(bytes, { c in
            guard digits(&c, 4...4), c.take("-"), digits(&c, 1...2), c.take("-"), digits(&c, 1...2) else { return false }
            if !(c.take("T") || c.take("t")) {
                guard c.takeAll(where: { $0 == 32 || $0 == 9 }) > 0 else { return false }
            }
            guard digits(&c, 1...2), c.take(":"), digits(&c, 2...2), c.take(":"), digits(&c, 2...2) else { return false }
            if c.take(".") { c.takeAll(where: digit) }
            if c.atEnd { return true }
            c.takeAll(where: { $0 == 32 || $0 == 9 })
            if c.take("Z") { return true }
            guard c.take("-") || c.take("+"), digits(&c, 1...2) else { return false }
            if c.take(":") { return digits(&c, 2...2) }
            return true
        })
    }
}
