import CXConfig
import CXCore
import CXSMTP
import Foundation

/// The `email` notifier's options, read and checked once when the configuration loads, so a
/// bad value is a setup error naming the option instead of a failure at send time.
struct EmailSettings: Sendable {
    static let schema = NotifierOptionSchema(
        required: ["host": .string, "from": .string],
        optional: [
            "port": .integer, "tls": .string, "username": .string, "password_file": .path, "password_env": .string,
            "from_name": .string, "reply_to": .string, "cc_manager_on_escalation": .boolean, "templates": .path,
            "timeout": .duration, "ca_file": .path, "helo_name": .string,
        ])

    /// The `tls` values and what they mean.
    static let tlsModes: [(name: String, mode: SMTPConfiguration.TLSMode)] = [
        ("starttls", .startTLS(required: true)), ("starttls-optional", .startTLS(required: false)),
        ("implicit", .implicit), ("none", .none),
    ]

    /// Used when `timeout` is not given: for connecting and for each reply.
    static let defaultTimeout: Duration = .seconds(30)

    var smtp: SMTPConfiguration
    var from: EmailAddress
    var replyTo: EmailAddress?
    var ccManagerOnEscalation: Bool
    var templates: MessageTemplates

    /// Checks every option; throws every problem found, not only the first.
    init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        var options = Options(config: config)
        let host = options.requiredString("host")
        if let host, !host.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) {
            options.fail("host", "option 'host' must be a host name or an IP address")
        }
        let fromName = options.string("from_name")
        var from: EmailAddress?
        if let address = options.requiredString("from") {
            do {
                from = try EmailAddress(address, name: fromName)
            } catch {
                options.fail("from", "option 'from': \(error)")
            }
        }
        if let address = options.string("reply_to") {
            do {
                replyTo = try EmailAddress(address)
            } catch {
                options.fail("reply_to", "option 'reply_to': \(error)")
            }
        }

        let tlsName = options.string("tls") ?? "starttls"
        let tls = Self.tlsModes.first(where: { $0.name == tlsName })?.mode
        if tls == nil {
            options.fail(
                "tls", "option 'tls': unknown mode '\(tlsName)' (allowed: \(Self.tlsModes.map(\.name).joined(separator: ", ")))")
        }
        let port = options.integer("port") ?? tls?.defaultPort
        if let port, !(1...65535).contains(port) {
            options.fail("port", "option 'port': \(port) is not a port number (1–65535)")
        }

        let username = options.string("username")
        var password: String?
        do {
            password = try environment.secret("password", in: config)
        } catch {
            options.problems += error.problems
        }
        var credentials: SMTPConfiguration.Credentials?
        switch (username, password) {
        case (let username?, let password?): credentials = .init(username: username, password: password)
        case (.some, nil) where options.problems.allSatisfy({ !($0.option ?? "").hasPrefix("password") }):
            options.fail("username", "option 'username' needs a password: give password_file or password_env")
        case (nil, .some): options.fail("password_" + (config.options["password_file"] != nil ? "file" : "env"), "a password is given but no 'username'")
        default: break
        }

        var timeout = Self.defaultTimeout
        if let text = options.string("timeout") {
            if let seconds = WorkDuration(parsing: text)?.elapsedSeconds {
                timeout = .seconds(seconds)
            } else {
                options.fail("timeout", "option 'timeout': '\(text)' is not a duration in minutes or hours (e.g. 1m)")
            }
        }
        let caFile = options.string("ca_file")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            options.fail("ca_file", "option 'ca_file': cannot read \(caFile)")
        }
        let heloName = options.string("helo_name") ?? from?.domain ?? "localhost"
        let heloCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:")
        if heloName.isEmpty || !heloName.unicodeScalars.allSatisfy(heloCharacters.contains) {
            options.fail("helo_name", "option 'helo_name': '\(heloName)' is not a host name")
        }
        ccManagerOnEscalation = options.boolean("cc_manager_on_escalation") ?? false

        templates = .builtIn
        if let folder = options.string("templates") {
            do {
                templates = try MessageTemplates.loading(folder: folder)
            } catch {
                for template in error.errors {
                    // The folder itself is reported at the option; a template at its own line.
                    let place = template.file == folder
                        ? nil : NotifierProblem.Place(file: template.file, line: template.line, column: template.column)
                    let message = place == nil ? "option 'templates': \(template.message) \(folder)" : template.message
                    options.problems.append(NotifierProblem(option: "templates", message: message, place: place))
                }
            }
        }

        guard options.problems.isEmpty, let host, let from, let tls, let port else {
            throw NotifierSetupError(notifier: config.name, problems: options.problems)
        }
        self.from = from
        smtp = SMTPConfiguration(
            host: host, port: port, tls: tls, credentials: credentials, heloName: heloName, extraCAFile: caFile,
            connectTimeout: timeout, replyTimeout: timeout)
    }
}

/// Typed access to a notifier's options, collecting every problem, each naming its option.
private struct Options {
    var config: NotifierConfig
    var problems: [NotifierProblem] = []

    mutating func fail(_ option: String, _ message: String) {
        problems.append(NotifierProblem(option: option, message: message))
    }

    mutating func string(_ name: String) -> String? {
        guard let value = config.options[name], value != .null else { return nil }
        guard case .string(let text) = value else {
            fail(name, "option '\(name)' must be text")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    mutating func requiredString(_ name: String) -> String? {
        guard let text = string(name) else {
            if !problems.contains(where: { $0.option == name }) { fail(name, "missing option '\(name)'") }
            return nil
        }
        return text
    }

    mutating func integer(_ name: String) -> Int? {
        guard let value = config.options[name], value != .null else { return nil }
        if case .number(let number) = value, number == number.rounded(), abs(number) < 1e9 { return Int(number) }
        if case .string(let text) = value, let number = Int(text) { return number }
        fail(name, "option '\(name)' must be a whole number")
        return nil
    }

    mutating func boolean(_ name: String) -> Bool? {
        guard let value = config.options[name], value != .null else { return nil }
        if case .bool(let flag) = value { return flag }
        if case .string(let text) = value, let flag = Bool(text) { return flag }
        fail(name, "option '\(name)' must be true or false")
        return nil
    }
}
