import CXCore
import Foundation
import Mustache

/// A notification rendered for people: what an email shows, what a chat message says.
public struct RenderedMessage: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String
}

/// Subjects and bodies as Mustache templates: built-in ones in English and Vietnamese, chosen
/// by the recipient's locale, which a notifier may override from a folder of files named
/// `<kind>.<locale>.<part>.mustache` (`step.overdue.vi.subject.mustache`; kind `any` stands for
/// every kind; part is `subject`, `text` or `html`). Templates are compiled when the
/// configuration loads, so a broken one is reported with its file and line before anything is
/// sent.
public struct MessageTemplates: Sendable {
    struct Key: Hashable, Sendable {
        var kind: String
        var locale: String
        var part: Part
    }

    enum Part: String, CaseIterable, Sendable {
        case subject, text, html
    }

    private var templates: [Key: MustacheTemplate]

    /// The templates cxd ships with.
    public static let builtIn: MessageTemplates = {
        var templates: [Key: MustacheTemplate] = [:]
        for (key, source) in BuiltInTemplates.sources {
            // The built-in sources are fixed strings covered by tests; a failure here is a bug.
            guard let template = try? compile(source, part: key.part) else {
                preconditionFailure("built-in template \(key) does not compile")
            }
            templates[key] = template
        }
        return MessageTemplates(templates: templates)
    }()

    /// The built-in templates with the files of `folder` laid over them. Every file is
    /// compiled, and every one that fails is reported, each at its own line and column.
    public static func loading(folder: String) throws(TemplateFolderError) -> MessageTemplates {
        var result = builtIn
        var errors: [TemplateError] = []
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder) else {
            throw TemplateFolderError(errors: [TemplateError(file: folder, line: 1, column: 1, message: "cannot read the template folder")])
        }
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let path = (folder as NSString).appendingPathComponent(name)
            let parts = name.dropLast(".mustache".count).split(separator: ".").map(String.init)
            // kind may itself contain a dot (step.overdue): the last two parts are locale and part.
            guard parts.count >= 3, let part = Part(rawValue: parts[parts.count - 1]) else {
                errors.append(TemplateError(
                    file: path, line: 1, column: 1,
                    message: "template file names are <kind>.<locale>.<subject|text|html>.mustache"))
                continue
            }
            let locale = parts[parts.count - 2]
            let kind = parts[0..<(parts.count - 2)].joined(separator: ".")
            guard kind == "any" || BuiltInTemplates.kinds.contains(kind) else {
                errors.append(TemplateError(
                    file: path, line: 1, column: 1,
                    message: "unknown kind '\(kind)' (known: any, \(BuiltInTemplates.kinds.joined(separator: ", ")))"))
                continue
            }
            guard let data = manager.contents(atPath: path), let source = String(data: data, encoding: .utf8) else {
                errors.append(TemplateError(file: path, line: 1, column: 1, message: "cannot read the file as UTF-8 text"))
                continue
            }
            do {
                result.templates[Key(kind: kind, locale: locale, part: part)] = try compile(source, part: part)
            } catch let error as MustacheTemplate.ParserError {
                errors.append(TemplateError(file: path, source: source, parserError: error, shift: part == .html ? 0 : textPragma.count))
            } catch {
                errors.append(TemplateError(file: path, line: 1, column: 1, message: "\(error)"))
            }
        }
        guard errors.isEmpty else { throw TemplateFolderError(errors: errors) }
        return result
    }

    /// Subject and text templates are plain text: nothing is HTML-escaped in them.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    private static func compile(_ source: String, part: Part) throws -> MustacheTemplate {
        try MustacheTemplate(string: part == .html ? source : textPragma + source)
    }

    /// Renders a payload for its recipient, times in `zone`.
    public func render(_ payload: NotificationPayload, zone: TimeZone) -> RenderedMessage {
        var context = TemplateContext.make(payload, zone: zone)
        let (subject, text) = renderPlain(payload, context: &context)
        let html = template(payload.kind, payload.recipient.locale, .html).render(context)
        return RenderedMessage(subject: subject, text: text, html: html)
    }

    /// The subject and the plain text only: what the outbox stores with a queued message (its
    /// HTML is rendered at delivery, by the notifiers that send one).
    public func renderPlain(_ payload: NotificationPayload, zone: TimeZone) -> (subject: String, text: String) {
        var context = TemplateContext.make(payload, zone: zone)
        return renderPlain(payload, context: &context)
    }

    /// Renders subject then text, each added to `context` for the parts rendered after it.
    private func renderPlain(_ payload: NotificationPayload, context: inout [String: Any]) -> (subject: String, text: String) {
        let locale = payload.recipient.locale
        let subject = template(payload.kind, locale, .subject).render(context).trimmingCharacters(in: .whitespacesAndNewlines)
        context["subject"] = subject
        let text = template(payload.kind, locale, .text).render(context)
        context["text"] = text
        // A subject is one line, whatever a template or a value put in it.
        let oneLine = subject.split(whereSeparator: \.isNewline).joined(separator: " ")
        return (oneLine, text)
    }

    /// The most specific template: kind and locale, then `any` kind, then English.
    private func template(_ kind: String, _ locale: String, _ part: Part) -> MustacheTemplate {
        for candidate in [Key(kind: kind, locale: locale, part: part), Key(kind: "any", locale: locale, part: part),
                          Key(kind: kind, locale: "en", part: part), Key(kind: "any", locale: "en", part: part)] {
            if let template = templates[candidate] { return template }
        }
        preconditionFailure("the built-in templates cover every kind in English")
    }
}

/// A template that does not compile, with its position.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A Mustache parser error in `source` (the file's text), compiled with `shift` characters
    /// of pragma before its first line, explained for a person.
    init(file: String, source: String, parserError: MustacheTemplate.ParserError, shift: Int) {
        let reason = MustacheProblem(parserError.error)
        var line = parserError.context.lineNumber
        var column = max(1, parserError.context.columnNumber - (line > 1 ? 0 : shift))
        // The parser stops at the end of the text; the tag left open is where to look.
        if reason == .unfinishedTag, let open = MustacheProblem.unclosedTag(in: source) { (line, column) = open }
        self.init(file: file, line: line, column: column, message: "invalid Mustache template: \(reason)")
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every template of a folder that does not compile.
public struct TemplateFolderError: Error, Sendable, CustomStringConvertible {
    public var errors: [TemplateError]

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
