import Foundation

/// A secret named by `<name>_file` (a file holding it; surrounding whitespace trimmed) or
/// `<name>_env` (an environment variable): how every secret of cxd is given, notifiers' and the
/// HTTP service's alike. A problem names the option and never the secret's value.
public enum SecretSource {
    public struct Problem: Error, Sendable, Equatable {
        /// `password_file`, `token_env`…
        public var option: String
        public var message: String
    }

    /// The secret, or nil when neither option is given.
    /// - Parameters:
    ///   - path: the value of `<name>_file`, already resolved against its file's folder.
    ///   - variable: the value of `<name>_env`.
    public static func read(
        _ name: String, path: String?, variable: String?, environment: [String: String]
    ) throws(Problem) -> String? {
        switch (path, variable) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw Problem(option: name + "_env", message: "give either \(name)_file or \(name)_env, not both")
        case (let path?, nil):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Problem(option: name + "_file", message: "\(name)_file: cannot read \(path)")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw Problem(option: name + "_file", message: "\(name)_file: \(path) is empty") }
            return value
        case (nil, let variable?):
            guard let value = environment[variable], !value.isEmpty else {
                throw Problem(option: name + "_env", message: "\(name)_env: environment variable \(variable) is not set")
            }
            return value
        }
    }
}
