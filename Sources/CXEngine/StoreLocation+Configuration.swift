import CXConfig
import CXStore
import Foundation

extension StoreLocation {
    /// The store the configuration's `database:` names.
    public init(_ setting: DatabaseSetting) {
        switch setting {
        case .sqlite(let path):
            self = .sqlite(path: path)
        case .postgres(let url):
            self = .postgres(PostgresSettings(
                host: url.host, port: url.port, user: url.user, database: url.database, password: url.password,
                tls: PostgresSettings.TLSMode(rawValue: url.sslMode) ?? .prefer, caFile: url.caFile,
                connectTimeout: url.connectTimeout))
        }
    }
}

extension Store {
    /// Whether the configured database exists yet: the SQLite file is there (a PostgreSQL
    /// database always is; its schema is checked on open).
    public static func exists(_ setting: DatabaseSetting) -> Bool {
        switch setting {
        case .sqlite(let path): return FileManager.default.fileExists(atPath: path)
        case .postgres: return true
        }
    }
}
