/// One server reply: a three-digit code and its text lines (a multi-line `250-…`/`250 …`
/// reply arrives as one value).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The reply code, 200…599 for well-formed replies.
    public var code: Int
    /// The text after the code of each line, in order.
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx: the command succeeded.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: the server waits for more (354 after DATA, 334 during AUTH).
    public var isIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx: a temporary failure; the same command may succeed later.
    public var isTemporaryFailure: Bool { (400..<500).contains(code) }

    /// `250 first line / second line`, for error messages and logs (the server's words only).
    public var description: String {
        let text = lines.joined(separator: " / ")
        return text.isEmpty ? "\(code)" : "\(code) \(text)"
    }
}
