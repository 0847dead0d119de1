import NIOCore
import NIOHTTP1

/// An answer, with at most the request's body limit of its body.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    /// The body, or its first bytes when it is longer than the limit.
    public var body: ByteBuffer
    /// False when the body went past the limit: the rest was not read (and the connection closed).
    public var isBodyComplete: Bool

    public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer, isBodyComplete: Bool) {
        self.status = status
        self.headers = headers
        self.body = body
        self.isBodyComplete = isBodyComplete
    }
}
