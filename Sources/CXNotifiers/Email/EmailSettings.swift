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

    init(config: NotifierConfig, environment: NotifierEnvironment) throws(NotifierSetupError) {
        let options = Options(config: config)
        let host = try options.requiredString("host")
        guard host.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            throw options.error("option 'host' must be a host name or an IP address")
        }
        let fromName = try options.string("from_name")
        let fromAddress = try options.requiredString("from")
        let replyToAddress = try options.string("reply_to")
        do {
            from = try EmailAddress(fromAddress, name: fromName)
        } catch {
            throw options.error("option 'from': \(error)")
        }
        do {
            replyTo = try replyToAddress.map { address throws(EmailMessageError) in try EmailAddress(address) }
        } catch {
            throw options.error("option 'reply_to': \(error)")
        }

        let tlsName = try options.string("tls") ?? "starttls"
        guard let tls = Self.tlsModes.first(where: { $0.name == tlsName })?.mode else {
            throw options.error(
                "option 'tls': unknown mode '\(tlsName)' (allowed: \(Self.tlsModes.map(\.name).joined(separator: ", ")))")
        }
        let port = try options.integer("port") ?? tls.defaultPort
        guard (1...65535).contains(port) else { throw options.error("option 'port': \(port) is not a port number (1–65535)") }

        let username = try options.string("username")
        let password = try environment.secret("password", in: config)
        let credentials: SMTPConfiguration.Credentials?
        switch (username, password) {
        case (nil, nil): credentials = nil
        case (let username?, let password?): credentials = .init(username: username, password: password)
        case (.some, nil): throw options.error("option 'username' needs a password: give password_file or password_env")
        case (nil, .some): throw options.error("a password is given but no 'username'")
        }

        var timeout = Self.defaultTimeout
        if let text = try options.string("timeout") {
            guard let seconds = WorkDuration(parsing: text)?.elapsedSeconds else {
                throw options.error("option 'timeout': '\(text)' is not a duration in minutes or hours (e.g. 1m)")
            }
            timeout = .seconds(seconds)
        }
        let caFile = try options.string("ca_file")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw options.error("option 'ca_file': cannot read \(caFile)")
        }
        let heloName = try options.string("helo_name") ?? from.domain
        let heloCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:")
        guard !heloName.isEmpty, heloName.unicodeScalars.allSatisfy(heloCharacters.contains) else {
            throw options.error("option 'helo_name': '\(heloName)' is not a host name")
        }
        smtp = SMTPConfiguration(
            host: host, port: port, tls: tls, credentials: credentials, heloName: heloName, extraCAFile: caFile,
            connectTimeout: timeout, replyTimeout: timeout)
        ccManagerOnEscalation = try options.boolean("cc_manager_on_escalation") ?? false

        if let folder = try options.string("templates") {
            do {
                templates = try MessageTemplates.loading(folder: folder)
            } catch {
                throw options.error("option 'templates': \(error.description)")
            }
        } else {
            templates = .builtIn
        }
    }
}

/// Typed access to a notifier's options, with errors naming the option.
private struct Options {
    var config: NotifierConfig

    func error(_ message: String) -> NotifierSetupError {
        NotifierSetupError(notifier: config.name, message: message)
    }

    func string(_ name: String) throws(NotifierSetupError) -> String? {
        guard let value = config.options[name], value != .null else { return nil }
        guard case .string(let text) = value else { throw error("option '\(name)' must be text") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    func requiredString(_ name: String) throws(NotifierSetupError) -> String {
        guard let text = try string(name) else { throw error("missing option '\(name)'") }
        return text
    }

    func integer(_ name: String) throws(NotifierSetupError) -> Int? {
        guard let value = config.options[name], value != .null else { return nil }
        if case .number(let number) = value, number == number.rounded(), abs(number) < 1e9 { return Int(number) }
        if case .string(let text) = value, let number = Int(text) { return number }
        throw error("option '\(name)' must be a whole number")
    }

    func boolean(_ name: String) throws(NotifierSetupError) -> Bool? {
        guard let value = config.options[name], value != .null else { return nil }
        if case .bool(let flag) = value { return flag }
        if case .string(let text) = value, let flag = Bool(text) { return flag }
        throw error("option '\(name)' must be true or false")
    }
}
