import CXConfig
import CXCore
import CXHTTP
import Foundation

/// A webhook notifier's options, checked: everything that can be wrong with them is a setup
/// error when the configuration loads, never a failure at delivery time. Errors never quote a
/// secret (nor the URL, which for chat incoming webhooks is a secret itself).
struct WebhookSettings: Sendable {
    var url: String
    /// `url` taken apart: where to connect and the request target.
    var target: HTTPURL
    /// The URL as messages may show it: in full when the YAML gives it (`url:`), cut to
    /// `scheme://host/…` when it is a secret (`url_file:`, `url_env:`).
    var shownURL: String
    var signer: WebhookSigner?
    var headers: [(name: String, value: String)]
    var timeout: Duration
    var format: WebhookFormat

    /// The options `type: webhook` accepts.
    static let schema = NotifierOptionSchema(
        required: [:],
        optional: [
            "url": .string, "url_file": .path, "url_env": .string,
            "secret_file": .path, "secret_env": .string,
            "previous_secret_file": .path, "previous_secret_env": .string,
            "sign": .boolean,
            "headers": .stringMap, "headers_file": .path, "header_env": .stringMap,
            "timeout": .string,
            "format": .string,
            "template": .path,
            "content_type": .string,
        ])

    static let defaultTimeout: Duration = .seconds(10)
    static let timeoutRange: ClosedRange<Duration> = .milliseconds(100) ... .seconds(600)

    init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        func fail(_ message: String) -> NotifierSetupError {
            NotifierSetupError(notifier: config.name, message: message)
        }
        let options = config.options

        switch (options["url"]?.stringValue, try environment.secret("url", in: config)) {
        case (nil, nil):
            throw fail("give the endpoint with url, url_file or url_env")
        case (.some, .some):
            throw fail("give only one of url, url_file and url_env")
        case (let url?, nil):
            guard let target = Self.httpURL(url) else {
                throw fail("url must be an http:// or https:// URL with a host")
            }
            self.url = url
            self.target = target
            shownURL = url
        case (nil, let url?):
            let option = options["url_file"] != nil ? "url_file" : "url_env"
            guard let target = Self.httpURL(url) else {
                throw fail("\(option): the URL it holds must be an http:// or https:// URL with a host")
            }
            self.url = url
            self.target = target
            shownURL = Self.redacted(url)
        }

        var sign = true
        if let value = options["sign"] {
            guard case .bool(let flag) = value else { throw fail("sign must be true or false") }
            sign = flag
        }
        let current = try environment.secret("secret", in: config)
        let previous = try environment.secret("previous_secret", in: config)
        if sign {
            guard let current else {
                throw fail("a signed webhook needs secret_file or secret_env (or sign: false to send unsigned requests)")
            }
            var secrets: [WebhookSigner.Secret] = []
            for (name, text) in [("secret", current), ("previous_secret", previous)] {
                guard let text else { continue }
                guard let secret = WebhookSigner.Secret(text) else {
                    throw fail("\(name) must be 'whsec_' followed by base64 (a Standard Webhooks secret)")
                }
                secrets.append(secret)
            }
            signer = WebhookSigner(secrets: secrets)
        } else {
            guard current == nil, previous == nil else {
                throw fail("sign is false but a secret is configured: remove one or the other")
            }
            signer = nil
        }

        headers = try WebhookHeaders.load(config, environment: environment)

        timeout = Self.defaultTimeout
        if let value = options["timeout"] {
            guard let text = value.stringValue, let duration = Self.parseTimeout(text),
                  Self.timeoutRange.contains(duration)
            else { throw fail("timeout must be a duration between 100ms and 10m, like 10s, 1500ms or 1m") }
            timeout = duration
        }

        let formatName = options["format"]?.stringValue ?? "standard"
        let templatePath = options["template"]?.stringValue
        let contentType = options["content_type"]?.stringValue
        switch formatName {
        case "standard", "cloudevents":
            guard templatePath == nil, contentType == nil else {
                throw fail("template and content_type only apply to format: template")
            }
            format = formatName == "standard" ? .standard : .cloudEvents
        case "template":
            guard let templatePath else { throw fail("format: template needs a template file (template: path)") }
            let type = contentType ?? "application/json"
            guard Self.isMediaType(type) else { throw fail("content_type must be a media type like application/json") }
            do {
                let template = try WebhookTemplate(path: templatePath, escapingForJSON: Self.isJSON(type))
                format = .template(template, contentType: type)
            } catch {
                throw fail("\(error)")
            }
        default:
            throw fail("format must be standard, cloudevents or template (not '\(formatName)')")
        }
    }

    /// An http or https URL with a host, and no spaces or control characters.
    static func httpURL(_ text: String) -> HTTPURL? {
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { return nil }
        return HTTPURL(text)
    }

    /// `https://hooks.example.com/…`: enough to tell endpoints apart, nothing of a secret path
    /// or query (nor of user information).
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host
        else { return "(a URL)" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }

    /// `10s`, `1500ms`, `2m`.
    static func parseTimeout(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 7, let amount = Int64(digits) else { return nil }
        switch trimmed.dropFirst(digits.count) {
        case "ms": return .milliseconds(amount)
        case "s": return .seconds(amount)
        case "m": return .seconds(amount * 60)
        default: return nil
        }
    }

    /// An HTTP token (RFC 9110 §5.6.2), as header names are.
    static func isToken(_ text: String) -> Bool {
        let extra: Set<Character> = ["!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~"]
        return !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }
    }

    static func isMediaType(_ text: String) -> Bool {
        let essence = text.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let parts = essence.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { isToken(String($0)) }
            && !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// `application/json`, `application/vnd.x+json`, with or without parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let essence = (contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return essence == "application/json" || essence.hasSuffix("+json")
    }
}
