import NIOCore
import NIOHTTP1

/// One request: sent as is (plus `Host` and `Content-Length`), never redirected.
public struct HTTPRequest: Sendable {
    public var url: HTTPURL
    public var method: HTTPMethod
    /// Extra headers; `Host`, `Content-Length` and `Connection` are the client's.
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(url: HTTPURL, method: HTTPMethod = .POST, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// The head as written on the wire: `Host`, the caller's headers but the client's own, and
    /// `Content-Length`.
    var head: HTTPRequestHead {
        var all = headers
        if all.contains(where: { Self.isClientHeader($0.name) }) {
            all = HTTPHeaders(headers.filter { !Self.isClientHeader($0.name) }.map { ($0.name, $0.value) })
        }
        all.add(name: "host", value: url.hostHeader)
        all.add(name: "content-length", value: String(body.readableBytes))
        return HTTPRequestHead(version: .http1_1, method: method, uri: url.target, headers: all)
    }

    private static let clientHeaders = ["host", "content-length", "connection", "transfer-encoding"]

    private static func isClientHeader(_ name: String) -> Bool {
        clientHeaders.contains { $0.utf8.count == name.utf8.count && $0.utf8.elementsEqual(name.utf8.lazy.map(asciiLowercased)) }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
