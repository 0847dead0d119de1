import CXConfig

/// The environment an exec plugin runs with: a minimal base taken from cxd's own environment
/// (`PATH`, `HOME`, `LANG`, `LC_ALL`, `TZ`), plus the variables its configuration names —
/// plain values (`env:`) and variables of cxd's environment passed through by name
/// (`pass_env:`). Nothing else: the secrets behind other notifiers' `*_env` options stay in
/// cxd.
enum PluginEnvironment {
    /// The variables of cxd's environment every plugin gets (when cxd has them).
    static let baseNames = ["PATH", "HOME", "LANG", "LC_ALL", "TZ"]

    /// The `PATH` a plugin gets when cxd itself runs without one.
    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// The base part, from cxd's environment `variables`.
    static func base(from variables: [String: String]) -> [String: String] {
        var base: [String: String] = [:]
        for name in baseNames {
            if let value = variables[name] { base[name] = value }
        }
        if base["PATH"] == nil { base["PATH"] = defaultPath }
        return base
    }

    /// The whole environment for a notifier's options `env` (plain values) and `pass_env`
    /// (names of cxd's variables), checked: names must be usable, a passed variable must be
    /// set, and a name may come from one place only. Errors name the option, never a value.
    static func make(
        plain: [String: String], passing names: [String], from variables: [String: String], notifier: String
    ) throws(NotifierSetupError) -> [String: String] {
        func fail(_ message: String) -> NotifierSetupError {
            // Messages start with the option's name (env: or pass_env:).
            NotifierSetupError(notifier: notifier, option: String(message.prefix { $0 != ":" }), message: message)
        }
        var environment = base(from: variables)
        for (name, value) in plain.sorted(by: { $0.key < $1.key }) {
            guard isName(name) else { throw fail("env: '\(name)' is not a valid environment variable name") }
            guard !value.contains("\0") else { throw fail("env: the value of \(name) contains a NUL character") }
            environment[name] = value
        }
        var passed: Set<String> = []
        for name in names {
            guard isName(name) else { throw fail("pass_env: '\(name)' is not a valid environment variable name") }
            guard plain[name] == nil else { throw fail("pass_env: \(name) is also set in env; give it in one place") }
            guard passed.insert(name).inserted else { throw fail("pass_env: \(name) is listed twice") }
            guard let value = variables[name] else {
                throw fail("pass_env: environment variable \(name) is not set in cxd's environment")
            }
            environment[name] = value
        }
        return environment
    }

    /// Letters, digits and `_`, not starting with a digit (what a shell can export).
    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)) }
    }
}
