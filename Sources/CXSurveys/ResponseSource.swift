#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where the bytes of a response file come from: a file read in chunks (memory stays the same
/// whatever its size), or bytes already in memory (tests, small inputs).
public enum ResponseSource: Sendable {
    case file(path: String)
    case bytes([UInt8])

    /// The text itself (UTF-8).
    public static func text(_ text: String) -> ResponseSource { .bytes(Array(text.utf8)) }

    /// Why a file could not be read.
    public struct ReadFailure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// Bytes per read: large enough that the system call costs nothing, small enough to be a
    /// constant.
    public static let chunkSize = 1 << 20

    /// The length of a UTF-8 byte order mark at the start of `chunk` (3), else 0: the readers
    /// skip it in the file's first chunk.
    static func byteOrderMarkLength(_ chunk: UnsafeBufferPointer<UInt8>) -> Int {
        chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF ? 3 : 0
    }

    /// Size in bytes, when known (for progress).
    public var size: Int? {
        switch self {
        case .bytes(let bytes): return bytes.count
        case .file(let path):
            var info = stat()
            return stat(path, &info) == 0 ? Int(info.st_size) : nil
        }
    }

    /// Calls `body` with each chunk of the content, in order.
    func forEachChunk(size chunkSize: Int = ResponseSource.chunkSize, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        switch self {
        case .bytes(let bytes):
            try bytes.withUnsafeBufferPointer { buffer in
                var start = 0
                while start < buffer.count {
                    let end = min(start + chunkSize, buffer.count)
                    try body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                    start = end
                }
            }
        case .file(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw ReadFailure(path: path, reason: String(cString: strerror(errno))) }
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ReadFailure(path: path, reason: String(cString: strerror(errno)))
                }
                if count == 0 { return }
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }
}
