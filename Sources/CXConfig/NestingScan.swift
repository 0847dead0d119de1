/// A cheap lexical estimate of how deeply a YAML text nests, run before Yams composes it:
/// Yams' composer recurses once per level, so `[[[[…` a million deep would overflow the stack.
///
/// Block nesting is estimated from a stack of indentation columns (sequence dashes and `? `
/// open a level each); flow nesting from `[`/`{` outside quotes and comments. Block scalars
/// (`|`, `>`) are skipped. The estimate is approximate in odd corners but never misses a deep
/// bracket or dash pile-up, which is what matters.
enum NestingScan {
    /// Line and column (1-based, column in bytes) where the estimated depth first exceeds
    /// `limit`, or nil when it never does.
    static func firstViolation(in text: String, limit: Int) -> (line: Int, column: Int)? {
        var scanner = Scanner(limit: limit)
        var lineNumber = 0
        var line: [UInt8] = []
        line.reserveCapacity(256)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                lineNumber += 1
                if let column = scanner.scan(line) { return (lineNumber, column) }
                line.removeAll(keepingCapacity: true)
            } else if byte != UInt8(ascii: "\r") {
                line.append(byte)
            }
        }
        if let column = scanner.scan(line) { return (lineNumber + 1, column) }
        return nil
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let dash = UInt8(ascii: "-")
    private static let question = UInt8(ascii: "?")
    private static let colon = UInt8(ascii: ":")
    private static let hash = UInt8(ascii: "#")

    private struct Scanner {
        let limit: Int
        var flowDepth = 0
        var blockColumns: [Int] = []
        /// Indentation of the line that opened a block scalar; deeper lines are its text.
        var blockScalarParent: Int?

        init(limit: Int) { self.limit = limit }

        /// Scans one line; the 1-based column where the limit is exceeded, if it is.
        mutating func scan(_ line: [UInt8]) -> Int? {
            let indent = line.prefix { $0 == space }.count
            let isBlank = line[indent...].allSatisfy { $0 == space || $0 == tab }
            if isBlank { return nil }
            if let parent = blockScalarParent {
                if indent > parent { return nil }
                blockScalarParent = nil
            }
            var position = indent
            if flowDepth == 0 {
                if line[indent] == hash { return nil }
                if indent == 0, line.starts(with: Array("---".utf8)) || line.starts(with: Array("...".utf8)) {
                    blockColumns.removeAll()
                    return nil
                }
                while let last = blockColumns.last, last > indent { blockColumns.removeLast() }
                if blockColumns.last != indent { blockColumns.append(indent) }
                if blockColumns.count > limit { return indent + 1 }
                // `- - - x` and `? ` open one level per marker.
                while position < line.count, line[position] == dash || line[position] == question,
                      position + 1 == line.count || line[position + 1] == space {
                    position += 1
                    while position < line.count, line[position] == space { position += 1 }
                    if position < line.count {
                        blockColumns.append(position)
                        if blockColumns.count > limit { return position + 1 }
                    }
                }
            }
            return scanInline(line, from: position, indent: indent)
        }

        /// Flow brackets, quotes, comments and block-scalar indicators in the rest of the line.
        private mutating func scanInline(_ line: [UInt8], from start: Int, indent: Int) -> Int? {
            var quote: UInt8?
            var previous: UInt8?  // last byte that is not a space
            var lastToken: UInt8?
            var index = start
            while index < line.count {
                let byte = line[index]
                if let open = quote {
                    if byte == UInt8(ascii: "\\"), open == UInt8(ascii: "\"") {
                        index += 2
                        continue
                    }
                    if byte == open { quote = nil }
                    index += 1
                    continue
                }
                let atTokenStart = index == start || line[index - 1] == space || line[index - 1] == tab
                switch byte {
                case hash where atTokenStart:
                    index = line.count
                    continue
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if atTokenStart || flowDepth > 0 { quote = byte }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    let opensFlow = flowDepth > 0 || previous == nil || previous == colon
                        || previous == dash || previous == question
                    if opensFlow {
                        flowDepth += 1
                        if blockColumns.count + flowDepth > limit { return index + 1 }
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if flowDepth > 0 { flowDepth -= 1 }
                default:
                    break
                }
                if byte != space && byte != tab {
                    previous = byte
                    lastToken = atTokenStart ? byte : lastToken
                }
                index += 1
            }
            if flowDepth == 0, quote == nil, let token = lastToken,
               token == UInt8(ascii: "|") || token == UInt8(ascii: ">") {
                blockScalarParent = indent
            }
            return nil
        }
    }
}
