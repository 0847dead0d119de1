/// RFC 4180 CSV read as a stream of UTF-8 bytes: fields separated by commas, quoted with `"`
/// (a doubled `""` inside quotes is one quote), records ending in LF, CRLF or CR; quoted fields
/// may span lines. A UTF-8 byte order mark at the start is skipped. Chunks may end anywhere,
/// even inside a field or between CR and LF; only the current record is held in memory.
struct CSVReader {
    /// One record: its fields' bytes one after the other, and where each field ends.
    struct Record {
        /// 1-based line on which the record starts.
        var line = 1
        var bytes: [UInt8] = []
        var ends: [Int] = []
        /// Why the record cannot be read (a quote in the wrong place, too long).
        var problem: String?

        var fieldCount: Int { ends.count }

        func field(_ index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

        mutating func reset(line: Int) {
            self.line = line
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            problem = nil
        }
    }

    /// A record longer than this is refused (and skipped), so that one runaway quote cannot
    /// make the reader hold the rest of the file.
    static let recordLimit = 1 << 20

    private var record = Record()
    private var line = 1
    private var inQuotes = false
    /// A quote just closed a quoted field: only a comma or the end of the record may follow.
    private var afterQuote = false
    /// Inside quotes, the previous byte was a quote: a second one is a literal quote.
    private var quoteInQuotes = false
    /// The previous byte ended a record with CR: an LF right after belongs to it.
    private var pendingCR = false
    private var fieldStart = 0
    private var started = false

    /// Reads `chunk`, calling `emit` for every record completed in it.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (Record) throws -> Void) rethrows {
        var index = 0
        if !started {
            started = true
            index = ResponseSource.byteOrderMarkLength(chunk)
        }
        while index < chunk.count {
            let byte = chunk[index]
            index += 1
            if pendingCR {
                pendingCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            if inQuotes {
                if quoteInQuotes {
                    quoteInQuotes = false
                    if byte == UInt8(ascii: "\"") {
                        append(byte)
                        continue
                    }
                    inQuotes = false
                    afterQuote = true
                    // The byte after the closing quote is read as outside quotes (below).
                } else if byte == UInt8(ascii: "\"") {
                    quoteInQuotes = true
                    continue
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    append(byte)
                    continue
                }
            }
            switch byte {
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\r"):
                try endRecord(emit)
                pendingCR = true
            case UInt8(ascii: "\n"):
                try endRecord(emit)
            case UInt8(ascii: "\"") where record.bytes.count == fieldStart && !afterQuote:
                inQuotes = true
            default:
                if afterQuote, record.problem == nil {
                    record.problem = "unexpected text after a closing quote (expected a comma or the end of the line)"
                }
                append(byte)
            }
        }
    }

    /// Ends the stream: emits the last record (a file need not end with a line break).
    /// A quoted field still open is reported on the line where its record started.
    mutating func finish(emit: (Record) throws -> Void) rethrows {
        if inQuotes && !quoteInQuotes {
            record.problem = "a quoted field is not closed (expected a closing \")"
            record.ends.append(record.bytes.count)
            try emit(record)
            return
        }
        if quoteInQuotes {
            quoteInQuotes = false
            inQuotes = false
        }
        if record.bytes.count > 0 || !record.ends.isEmpty || afterQuote {
            try endRecord(emit)
        }
    }

    private mutating func append(_ byte: UInt8) {
        guard record.bytes.count < Self.recordLimit else {
            if record.problem == nil { record.problem = "the record is longer than \(Self.recordLimit / 1024) KiB" }
            return
        }
        record.bytes.append(byte)
    }

    private mutating func endField() {
        record.ends.append(record.bytes.count)
        fieldStart = record.bytes.count
        afterQuote = false
    }

    private mutating func endRecord(_ emit: (Record) throws -> Void) rethrows {
        let quoted = afterQuote
        endField()
        line += 1
        // A blank line is no record.
        if !(record.ends.count == 1 && record.bytes.isEmpty && !quoted && record.problem == nil) {
            try emit(record)
        }
        record.reset(line: line)
        fieldStart = 0
    }
}
