/// RFC 4180 CSV: fields separated by commas, quoted with `"` (a doubled `""` inside quotes is
/// one quote), records ending in LF or CRLF; quoted fields may span lines. A UTF-8 byte order
/// mark at the start is skipped.
struct CSVReader {
    struct Record {
        /// 1-based line on which the record starts.
        var line: Int
        var fields: [String]
    }

    struct Failure: Error {
        var line: Int
        var message: String
    }

    static func records(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var characters = Array(text.unicodeScalars)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            field = ""
            // A blank line is no record.
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            if inQuotes {
                if character == "\"" {
                    if index < characters.count, characters[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if character == "\n" { line += 1 }
                    field.unicodeScalars.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r":
                if index < characters.count, characters[index] == "\n" { continue }
                endRecord()
                line += 1
                recordLine = line
                afterQuote = false
            case "\n":
                endRecord()
                line += 1
                recordLine = line
                afterQuote = false
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
            default:
                if afterQuote {
                    throw Failure(line: line, message: "unexpected text after a closing quote")
                }
                field.unicodeScalars.append(character)
            }
        }
        if inQuotes { throw Failure(line: recordLine, message: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
