import CXConfig
import CXCore
import Foundation

/// A webhook's extra headers, from three places: `headers:` (plain values in the YAML),
/// `headers_file:` (a file of `Name: value` lines, for secrets such as `Authorization`) and
/// `header_env:` (header name → environment variable holding its value). Everything is
/// checked when the notifier is set up; errors name the option (and the file's
/// `path:line:column`) but never quote a value.
enum WebhookHeaders {
    /// Headers the notifier sets itself; none of the options may replace them.
    static let reserved: Set<String> = [
        "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
        "transfer-encoding", "connection",
    ]

    /// Every configured header, in a stable order: `headers`, then `headers_file`, then `header_env`.
    static func load(
        _ config: NotifierConfig, environment: NotifierEnvironment
    ) throws(NotifierSetupError) -> [(name: String, value: String)] {
        func fail(_ message: String) -> NotifierSetupError {
            NotifierSetupError(notifier: config.name, message: message)
        }
        var headers: [(name: String, value: String)] = []
        var origin: [String: String] = [:]  // lowercased name → option that gave it

        func add(_ name: String, _ value: String, from option: String, at position: String = "") throws(NotifierSetupError) {
            guard WebhookSettings.isToken(name) else { throw fail("\(option): \(position)'\(name)' is not a valid header name") }
            guard !reserved.contains(name.lowercased()) else {
                throw fail("\(option): \(position)\(name) is set by cxd and cannot be replaced")
            }
            guard isFieldValue(value) else {
                throw fail("\(option): \(position)the value of \(name) must be one line of text")
            }
            if let earlier = origin[name.lowercased()] {
                throw fail("\(option): \(position)\(name) is already given by \(earlier)")
            }
            origin[name.lowercased()] = option
            headers.append((name, value))
        }

        if let value = config.options["headers"] {
            guard case .map(let entries) = value else { throw fail("headers must map header names to values") }
            for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
                guard let text = entry.stringValue else { throw fail("headers: the value of \(name) must be text") }
                try add(name, text, from: "headers")
            }
        }

        if let path = config.options["headers_file"]?.stringValue {
            guard let data = FileManager.default.contents(atPath: path) else { throw fail("headers_file: cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else { throw fail("headers_file: \(path) is not UTF-8 text") }
            var count = 0
            // Split on Characters: "\r\n" is one, so Windows line ends go too.
            for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let at = "\(path):\(index + 1):"
                guard let colon = line.firstIndex(of: ":") else {
                    throw fail("headers_file: \(at)1: expected 'Name: value'")
                }
                let name = String(line[..<colon])
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                let column = WebhookSettings.isToken(name) ? line.distance(from: line.startIndex, to: colon) + 2 : 1
                guard !value.isEmpty else { throw fail("headers_file: \(at)\(column): \(name) has no value") }
                try add(name, value, from: "headers_file", at: "\(at)\(column): ")
                count += 1
            }
            guard count > 0 else { throw fail("headers_file: \(path) holds no header") }
        }

        if let value = config.options["header_env"] {
            guard case .map(let entries) = value else {
                throw fail("header_env must map header names to environment variable names")
            }
            for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
                guard let variable = entry.stringValue else { throw fail("header_env: \(name) must name an environment variable") }
                guard let text = environment.variables[variable], !text.isEmpty else {
                    throw fail("header_env: environment variable \(variable) (for \(name)) is not set")
                }
                try add(name, text.trimmingCharacters(in: .whitespaces), from: "header_env")
            }
        }
        return headers
    }

    /// One line of text (tabs allowed), as a header value must be.
    static func isFieldValue(_ text: String) -> Bool {
        !text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }
}
