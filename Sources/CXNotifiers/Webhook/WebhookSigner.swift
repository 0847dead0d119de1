import Crypto
import Foundation

/// Signs webhook requests the Standard Webhooks way (<https://www.standardwebhooks.com>):
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one signature per
/// secret (the current one first, then the previous one during a rotation), space-separated.
struct WebhookSigner: Sendable {
    /// A secret as written (`whsec_<base64>`), decoded to its HMAC key.
    struct Secret: Sendable {
        static let prefix = "whsec_"

        /// The HMAC with the key already absorbed (its padded inner and outer blocks): each
        /// signature starts from a copy instead of deriving them again.
        fileprivate let keyed: HMAC<SHA256>

        /// Nil when `text` lacks the `whsec_` prefix or its rest is not base64 of at least one byte.
        /// The caller reports the problem without echoing the text.
        init?(_ text: String) {
            guard text.hasPrefix(Self.prefix),
                  let bytes = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))), !bytes.isEmpty
            else { return nil }
            keyed = HMAC<SHA256>(key: SymmetricKey(data: bytes))
        }
    }

    /// Signing keys, current first.
    let secrets: [Secret]

    /// The `webhook-signature` header value for one request.
    func signature(id: String, timestamp: Int64, body: Data) -> String {
        // The signed content in one buffer: one (generic, so not cheap) update per secret.
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        return secrets.map { secret in
            var mac = secret.keyed
            mac.update(data: content)
            return "v1," + Data(mac.finalize()).base64EncodedString()
        }.joined(separator: " ")
    }
}
