import Foundation
import Yams

/// Reads one YAML file defensively: size, encoding and nesting are checked before Yams sees
/// the text, and the composed tree is walked once to refuse alias bombs.
enum YAMLSource {
    /// Files larger than this are refused unread.
    static let maximumBytes = 1 << 20
    /// Collections nested deeper than this are refused (Yams' composer is recursive).
    static let maximumDepth = 64
    /// Nodes in the composed tree, aliases counted at every use.
    static let maximumNodes = 100_000

    /// The composed root of `path`, or nil after reporting why there is none.
    ///
    /// - Parameters:
    ///   - path: where to read the file (relative to the current directory or absolute).
    ///   - file: how problems inside the file are reported.
    ///   - reference: where a missing or unreadable file is reported (the key that named it).
    static func load(path: String, as file: SourceFile, reference: SourceLocation) -> Node? {
        guard let data = read(path: path, file: file, reference: reference) else { return nil }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column, byte) = firstInvalidUTF8(in: data)
            file.log.add(
                "file is not UTF-8 text: byte 0x\(String(byte, radix: 16, uppercase: true)) cannot start or continue a character here",
                at: SourceLocation(file: file.path, line: line, column: column))
            return nil
        }
        return compose(text, file: file)
    }

    /// Line and column (in characters, as Yams counts them) of the first byte of `data` that is
    /// not valid UTF-8, and that byte.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int, byte: UInt8) {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0, line = 1, column = 1
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                return (line, column, data[data.startIndex + offset])
            case .emptyInput:
                return (line, column, 0)
            }
        }
    }

    /// Composes `text` after the nesting pre-scan; then walks the tree to enforce the limits.
    static func compose(_ text: String, file: SourceFile) -> Node? {
        if let (line, column) = NestingScan.firstViolation(in: text, limit: maximumDepth) {
            file.log.add("document nests deeper than \(maximumDepth) levels", at: SourceLocation(file: file.path, line: line, column: column))
            return nil
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            report(error, text: text, file: file)
            return nil
        } catch {
            file.log.add("invalid YAML: \(error)", at: .start(of: file.path))
            return nil
        }
        guard let root else {
            file.log.add("file is empty", at: .start(of: file.path))
            return nil
        }
        guard checkLimits(root, file: file) else { return nil }
        return root
    }

    private static func read(path: String, file: SourceFile, reference: SourceLocation) -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            file.log.add("cannot read file: no such file", at: reference)
            return nil
        }
        guard !isDirectory.boolValue else {
            file.log.add("cannot read file: it is a folder", at: reference)
            return nil
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            file.log.add("cannot read file: permission denied", at: reference)
            return nil
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            file.log.add("cannot read file: \(error.localizedDescription)", at: reference)
            return nil
        }
        guard data.count <= maximumBytes else {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? data.count
            let mebibytes = String(format: "%.1f", Double(size) / Double(maximumBytes))
            file.log.add("file is \(mebibytes) MiB; cxd refuses YAML files over 1 MiB", at: .start(of: file.path))
            return nil
        }
        return data
    }

    /// Turns a Yams error into one diagnostic: `invalid YAML: <problem>` at its mark.
    static func report(_ error: YamlError, text: String, file: SourceFile) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty {
                message += " (\(context.text) started at \(context.mark.line):\(context.mark.column))"
            }
            file.error(message, at: mark)
        case .reader(let problem, let offset, _, _):
            let position = offset.map { Self.location(ofByte: $0, in: text, file: file.path) } ?? SourceLocation.start(of: file.path)
            file.log.add("invalid YAML: \(problem)", at: position)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            if let (line, column) = DuplicateKeyFinder.secondOccurrence(of: key, after: context.mark, in: text) {
                file.log.add("duplicate key '\(key)'", at: SourceLocation(file: file.path, line: line, column: column))
            } else {
                file.error("duplicate key '\(key)'", at: context.mark)
            }
        default:
            file.log.add("invalid YAML: \(error)", at: .start(of: file.path))
        }
    }

    private static func location(ofByte offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1, column = 1
        for (index, byte) in text.utf8.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// Walks the tree without recursion, counting every node (an alias counts its whole target
    /// again) and measuring the real depth; false after reporting a violated limit.
    static func checkLimits(_ root: Node, file: SourceFile) -> Bool {
        var stack: [(node: Node, depth: Int)] = [(root, 1)]
        var count = 0
        while let (node, depth) = stack.popLast() {
            count += 1
            if count > maximumNodes {
                file.log.add("document expands to more than \(maximumNodes) nodes (alias expansion?)", at: .start(of: file.path))
                return false
            }
            switch node {
            case .scalar, .alias:
                continue
            case .mapping(let mapping):
                if depth > maximumDepth {
                    file.error("document nests deeper than \(maximumDepth) levels", at: node)
                    return false
                }
                for (key, value) in mapping {
                    stack.append((key, depth + 1))
                    stack.append((value, depth + 1))
                }
            case .sequence(let sequence):
                if depth > maximumDepth {
                    file.error("document nests deeper than \(maximumDepth) levels", at: node)
                    return false
                }
                for item in sequence { stack.append((item, depth + 1)) }
            }
        }
        return true
    }
}

/// Yams reports a duplicated key at its first occurrence; the diagnostic belongs at the second.
enum DuplicateKeyFinder {
    /// The first later line holding `key:` at the same column as the first occurrence, with only
    /// spaces or sequence dashes before it (block mappings); nil when there is none (flow style).
    static func secondOccurrence(of key: String, after first: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let scalars = Array(lines[index].unicodeScalars)
            let start = first.column - 1
            guard start >= 0, start < scalars.count,
                  scalars[..<start].allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = String(String.UnicodeScalarView(scalars[start...]))
            for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate) {
                let after = rest.dropFirst(candidate.count).drop { $0 == " " }
                if after.first == ":" { return (index + 1, first.column) }
            }
        }
        return nil
    }
}
