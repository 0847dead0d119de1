import Crypto
import Foundation

/// Signs webhook requests the Standard Webhooks way (<https://www.standardwebhooks.com>):
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one signature per
/// secret (the current one first, then the previous one during a rotation), space-separated.
struct WebhookSigner: Sendable {
    /// A secret as written (`whsec_<base64>`), decoded to its HMAC key.
    struct Secret: Sendable {
        static let prefix = "whsec_"

        fileprivate let key: SymmetricKey

        /// Nil when `text` lacks the `whsec_` prefix or its rest is not base64 of at least one byte.
        /// The caller reports the problem without echoing the text.
        init?(_ text: String) {
            guard text.hasPrefix(Self.prefix),
                  let bytes = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))), !bytes.isEmpty
            else { return nil }
            key = SymmetricKey(data: bytes)
        }
    }

    /// Signing keys, current first.
    let secrets: [Secret]

    /// The `webhook-signature` header value for one request.
    func signature(id: String, timestamp: Int64, body: Data) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return secrets.map { secret in
            let code = HMAC<SHA256>.authenticationCode(for: content, using: secret.key)
            return "v1," + Data(code).base64EncodedString()
        }.joined(separator: " ")
    }
}
