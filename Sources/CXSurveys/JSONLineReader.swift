/// JSON lines read as a stream of UTF-8 bytes: one flat JSON object per line, lines ending in LF
/// or CRLF, blank lines ignored. Values are strings, numbers, `null`, or (refused by the
/// validator) booleans, arrays and objects. Only the current line is held in memory.
struct JSONLineReader {
    /// A value of the object, its text (a string unescaped) in `Record.bytes`.
    struct Value {
        enum Kind: Equatable {
            case string
            case number
            case null
            case boolean(Bool)
            /// An array or an object.
            case nested
        }

        var kind: Kind
        var range: Range<Int>
    }

    /// One line's object: the values of the known keys, and what is wrong with it.
    struct Record {
        var line = 0
        var bytes: [UInt8] = []
        var values: [ResponseFile.Column: Value] = [:]
        var problems: [String] = []
    }

    private var buffer: [UInt8] = []
    private var line = 0
    private var tooLong = false
    private var started = false
    private var record = Record()

    /// Reads `chunk`, calling `emit` for every non-blank line completed in it.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (Record) throws -> Void) rethrows {
        var index = 0
        if !started {
            started = true
            index = ResponseSource.byteOrderMarkLength(chunk)
        }
        while index < chunk.count {
            // Copy up to the next line feed at once.
            var end = index
            while end < chunk.count, chunk[end] != UInt8(ascii: "\n") { end += 1 }
            if buffer.count + (end - index) <= CSVReader.recordLimit {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[index..<end]))
            } else {
                tooLong = true
            }
            guard end < chunk.count else { return }
            try endLine(emit)
            index = end + 1
        }
    }

    mutating func finish(emit: (Record) throws -> Void) rethrows {
        if !buffer.isEmpty || tooLong { try endLine(emit) }
    }

    private mutating func endLine(_ emit: (Record) throws -> Void) rethrows {
        line += 1
        defer {
            buffer.removeAll(keepingCapacity: true)
            tooLong = false
        }
        if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
        if !tooLong, buffer.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        record.line = line
        record.bytes.removeAll(keepingCapacity: true)
        record.values.removeAll(keepingCapacity: true)
        record.problems.removeAll(keepingCapacity: true)
        if tooLong {
            record.problems.append("the line is longer than \(CSVReader.recordLimit / 1024) KiB")
        } else {
            var parsed = Record()
            swap(&parsed, &record)
            buffer.withUnsafeBufferPointer { bytes in
                var parser = ObjectParser(input: bytes)
                parser.parse(into: &parsed)
            }
            record = parsed
        }
        try emit(record)
    }
}

/// A flat JSON object (RFC 8259) parsed from bytes: keys and scalar values.
private struct ObjectParser {
    let input: UnsafeBufferPointer<UInt8>
    var index = 0

    init(input: UnsafeBufferPointer<UInt8>) { self.input = input }

    struct Failure: Error { var message: String }

    mutating func parse(into record: inout JSONLineReader.Record) {
        do {
            try parseObject(into: &record)
        } catch {
            record.problems = ["not a JSON object (\(error.message)); expected {\"respondent\": …, \"timestamp\": …, \"score\": …}"]
            record.values.removeAll()
        }
    }

    private var current: UInt8? { index < input.count ? input[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        skipSpace()
        guard current == byte else { throw Failure(message: "expected \(what) at column \(index + 1)") }
        index += 1
    }

    private mutating func parseObject(into record: inout JSONLineReader.Record) throws(Failure) {
        try expect(UInt8(ascii: "{"), "'{'")
        skipSpace()
        var seen: Set<String> = []
        if current == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw Failure(message: "expected a key at column \(index + 1)") }
                let keyStart = record.bytes.count
                try parseString(into: &record.bytes)
                let key = String(decoding: record.bytes[keyStart...], as: UTF8.self)
                record.bytes.removeSubrange(keyStart...)
                try expect(UInt8(ascii: ":"), "':'")
                skipSpace()
                let value = try parseValue(into: &record.bytes)
                if !seen.insert(key).inserted {
                    record.problems.append("key '\(key)' appears twice")
                } else if let column = ResponseFile.Column(rawValue: key) {
                    record.values[column] = value
                } else {
                    record.problems.append(
                        "unknown key '\(key)' (known: \(ResponseFile.Column.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                skipSpace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                break
            }
        }
        skipSpace()
        guard index == input.count else { throw Failure(message: "text after the object at column \(index + 1)") }
    }

    private mutating func parseValue(into bytes: inout [UInt8]) throws(Failure) -> JSONLineReader.Value {
        let start = bytes.count
        guard let first = current else { throw Failure(message: "expected a value at column \(index + 1)") }
        switch first {
        case UInt8(ascii: "\""):
            try parseString(into: &bytes)
            return .init(kind: .string, range: start..<bytes.count)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let from = index
            if current == UInt8(ascii: "-") { index += 1 }
            guard let lead = current, (0x30...0x39).contains(lead) else { throw Failure(message: "bad number at column \(from + 1)") }
            if lead == 0x30 { index += 1 } else { skipDigits() }
            if current == UInt8(ascii: ".") {
                index += 1
                guard skipDigits() > 0 else { throw Failure(message: "bad number at column \(from + 1)") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard skipDigits() > 0 else { throw Failure(message: "bad number at column \(from + 1)") }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[from..<index]))
            return .init(kind: .number, range: start..<bytes.count)
        case UInt8(ascii: "t"):
            try literal("true")
            return .init(kind: .boolean(true), range: start..<start)
        case UInt8(ascii: "f"):
            try literal("false")
            return .init(kind: .boolean(false), range: start..<start)
        case UInt8(ascii: "n"):
            try literal("null")
            return .init(kind: .null, range: start..<start)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            try skipNested()
            return .init(kind: .nested, range: start..<start)
        default:
            throw Failure(message: "expected a value at column \(index + 1)")
        }
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let from = index
        while let byte = current, (0x30...0x39).contains(byte) { index += 1 }
        return index - from
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= input.count,
              word.withUTF8Buffer({ Array($0) }) == Array(input[index..<(index + count)])
        else { throw Failure(message: "expected a value at column \(index + 1)") }
        index += count
    }

    /// Skips an array or object (its strings may hold brackets).
    private mutating func skipNested() throws(Failure) {
        var depth = 0
        var scratch: [UInt8] = []
        repeat {
            guard let byte = current else { throw Failure(message: "unclosed array or object") }
            switch byte {
            case UInt8(ascii: "\""):
                try parseString(into: &scratch)
                scratch.removeAll(keepingCapacity: true)
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
            index += 1
        } while depth > 0
    }

    /// A string at `index` (on its opening quote), unescaped into `bytes` as UTF-8.
    private mutating func parseString(into bytes: inout [UInt8]) throws(Failure) {
        let from = index
        index += 1
        while true {
            guard let byte = current else { throw Failure(message: "unclosed string starting at column \(from + 1)") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                guard let escape = current else { throw Failure(message: "unclosed string starting at column \(from + 1)") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate: a low one must follow.
                        guard current == UInt8(ascii: "\\"), index + 1 < input.count, input[index + 1] == UInt8(ascii: "u")
                        else { throw Failure(message: "unpaired surrogate at column \(index + 1)") }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Failure(message: "unpaired surrogate at column \(index + 1)") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw Failure(message: "unpaired surrogate at column \(index + 1)")
                    }
                    bytes.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
                default:
                    throw Failure(message: "bad escape at column \(index)")
                }
            default:
                guard byte >= 0x20 else { throw Failure(message: "control character in a string at column \(index)") }
                bytes.append(byte)
            }
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= input.count else { throw Failure(message: "bad \\u escape at column \(index + 1)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = input[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw Failure(message: "bad \\u escape at column \(index + 1)")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
