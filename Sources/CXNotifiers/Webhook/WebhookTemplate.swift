import Foundation
import Mustache

/// A Mustache file that renders a webhook body (`format: template`), e.g. a Slack-style
/// `{"text": "{{subject}}"}`. With a JSON content type, every `{{value}}` is escaped for use
/// inside a JSON string (quotes, backslashes, newlines and other control characters), so a
/// subject with quotes still makes valid JSON; `{{{value}}}` inserts a value unescaped.
///
/// The context holds the payload's fields as sent (`id`, `kind`, `created_at`, `recipient`,
/// `reminder`, `items`…), the flattened values message templates use (`step_title`, `due`,
/// `owner_name`…), and `subject` and `text` rendered by the built-in message templates in the
/// recipient's locale.
struct WebhookTemplate: Sendable {
    /// The content type name registered with swift-mustache for JSON-string escaping.
    static let jsonContentTypeName = "JSON"

    private let template: MustacheTemplate

    /// Compiles the file at `path`; errors carry `path:line:column`.
    init(path: String, escapingForJSON: Bool) throws(TemplateError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(file: path, line: 1, column: 1, message: "cannot read the template file")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw TemplateError(file: path, line: 1, column: 1, message: "the template file is not UTF-8 text")
        }
        Self.registerJSONContentType
        let pragma = escapingForJSON ? "{{% CONTENT_TYPE: \(Self.jsonContentTypeName)}}" : MessageTemplates.textPragma
        do {
            template = try MustacheTemplate(string: pragma + source)
        } catch let error as MustacheTemplate.ParserError {
            // The pragma shares the file's first line: take its width off positions there.
            let line = error.context.lineNumber
            let column = line > 1 ? error.context.columnNumber : max(1, error.context.columnNumber - pragma.count)
            throw TemplateError(file: path, line: line, column: column, message: "invalid Mustache template: \(error.error)")
        } catch {
            throw TemplateError(file: path, line: 1, column: 1, message: "invalid Mustache template: \(error)")
        }
    }

    /// Registers the JSON content type once, before the first template compiles (swift-mustache
    /// looks content types up while parsing).
    private static let registerJSONContentType: Void = {
        MustacheContentTypes.register(JSONStringContentType(), named: jsonContentTypeName)
    }()

    /// The body for `payload` (its JSON as sent, `raw`).
    func render(_ payload: NotificationPayload, raw: JSONValue) -> Data {
        var context: [String: Any] = [:]
        if case .object(let fields) = raw {
            context = fields.compactMapValues(\.templateValue)
        }
        let zone = payload.recipient.zone
        context.merge(TemplateContext.make(payload, zone: zone)) { _, flattened in flattened }
        let rendered = MessageTemplates.builtIn.render(payload, zone: zone)
        context["subject"] = rendered.subject
        context["text"] = rendered.text
        return Data(template.render(context).utf8)
    }
}

/// Escapes text for the inside of a JSON string literal (RFC 8259 §7).
struct JSONStringContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            // Control characters, and the line separators JavaScript string literals reject.
            case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
                result += "\\u" + String(format: "%04x", scalar.value)
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
