/// The DATA transparency rules of RFC 5321 §4.5.2.
enum MessageData {
    /// `data` with every line ending made CRLF (bare CR and LF included), each line that starts
    /// with a dot given a second one, and the terminating `.CRLF` appended.
    static func transparent(_ data: [UInt8]) -> [UInt8] {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 50 + 8)
        var atLineStart = true
        var index = 0
        while index < data.count {
            let byte = data[index]
            if byte == cr || byte == lf {
                out += [cr, lf]
                index += (byte == cr && index + 1 < data.count && data[index + 1] == lf) ? 2 : 1
                atLineStart = true
                continue
            }
            if atLineStart && byte == dot { out.append(dot) }
            out.append(byte)
            atLineStart = false
            index += 1
        }
        if !atLineStart { out += [cr, lf] }
        out += [dot, cr, lf]
        return out
    }
}
