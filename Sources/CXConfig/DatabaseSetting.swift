import Foundation

/// Where cxd keeps its progress (`database:` in `cxd.yaml`).
public enum DatabaseSetting: Sendable, Equatable {
    /// A SQLite file, the embedded default: `database: ../state/cxd.sqlite`.
    case sqlite(path: String)
    /// A PostgreSQL database shared by several `cxd run` nodes:
    /// `database: postgres://cxd@db.example.com:5432/cxd?sslmode=require`, or the mapping
    /// `{url, password_file | password_env, ca_file}`.
    case postgres(PostgresURL)

    /// What messages and `cxd status` call it: the file, or the URL without any password.
    public var name: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return url.redacted
        }
    }
}

/// A `postgres://` URL as cxd accepts it: user, host, optional port (5432), database, and the
/// query options `sslmode` (disable, prefer, require; default prefer) and `connect_timeout`
/// (seconds; default 5). A password in the URL is refused: it comes from `password_file` or
/// `password_env`, like every other secret.
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: String
    public var connectTimeout: TimeInterval
    /// From `password_file` / `password_env`; nil for trust or certificate authentication.
    public var password: String?
    /// PEM file of the certificate authority to trust (`ca_file`).
    public var caFile: String?

    public static let sslModes = ["disable", "prefer", "require"]

    public var redacted: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)?sslmode=\(sslMode)"
    }

    /// Whether `text` names PostgreSQL rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; the error says what was expected (and never repeats a password).
    public static func parse(_ text: String) -> Result<PostgresURL, Problem> {
        let example = "like postgres://cxd@db.example.com:5432/cxd?sslmode=require"
        guard isPostgres(text), let components = URLComponents(string: text) else {
            return .failure(Problem("expected a postgres:// URL (\(example))"))
        }
        if components.password != nil {
            return .failure(Problem(
                "the URL holds a password, which would show in files, process lists and logs: give it from a file or an environment variable instead (password_file or password_env in cxd.yaml)"))
        }
        guard let user = components.user, !user.isEmpty else {
            return .failure(Problem("the URL names no user (\(example))"))
        }
        guard var host = components.host, !host.isEmpty else {
            return .failure(Problem("the URL names no host (\(example))"))
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(Problem("the URL names no database after the host (\(example))"))
        }
        var url = PostgresURL(
            user: user.removingPercentEncoding ?? user, host: host, port: components.port ?? 5432, database: database,
            sslMode: "prefer", connectTimeout: 5)
        guard (1...65535).contains(url.port) else { return .failure(Problem("the port must be between 1 and 65535")) }
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value, sslModes.contains(mode) else {
                    return .failure(Problem("expected sslmode to be one of \(sslModes.joined(separator: ", ")), found '\(item.value ?? "")'"))
                }
                url.sslMode = mode
            case "connect_timeout":
                guard let value = item.value.flatMap(Double.init), value > 0, value <= 300 else {
                    return .failure(Problem("expected connect_timeout in seconds (1 to 300), found '\(item.value ?? "")'"))
                }
                url.connectTimeout = value
            default:
                return .failure(Problem("unknown URL option '\(item.name)' (expected sslmode or connect_timeout)"))
            }
        }
        return .success(url)
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String

        init(_ description: String) {
            self.description = description
        }
    }
}
