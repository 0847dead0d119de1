#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A throwaway PostgreSQL 15 cluster for the tests: `initdb` into a temporary folder, the
/// server on a free loopback port (trust authentication, no fsync), started once per test
/// process and stopped by its own watchdog when the test process ends (or, at the latest,
/// after three hours). As root (CI), everything runs as the `postgres` user.
///
/// `CXD_TEST_POSTGRES=postgres://user@host:port/db` uses a server of your own instead; each test
/// then creates (and leaves) databases named `cxd_test_*` on it.
public actor PostgresCluster {
    public static let shared = PostgresCluster()

    public struct Server: Sendable {
        public var host: String
        public var port: Int
        public var user: String
        /// The server's data folder (nil for a server given by `CXD_TEST_POSTGRES`).
        public var dataFolder: String?
        /// The server's process id (nil for a server given by `CXD_TEST_POSTGRES`).
        public var pid: Int32?
    }

    private var started: Task<Server, any Error>?
    private var databases = 0

    /// The running server, started on first use.
    public func server() async throws -> Server {
        if let started { return try await started.value }
        let task = Task { try await Self.start() }
        started = task
        return try await task.value
    }

    /// A new, empty database on the server; returns its `postgres://` URL.
    public func newDatabase(_ label: String = "t") async throws -> String {
        let server = try await server()
        databases += 1
        let name = "cxd_test_\(ProcessInfo.processInfo.processIdentifier)_\(databases)_\(label.filter { $0.isLetter || $0.isNumber }.prefix(20))"
            .lowercased()
        let psql = try Self.tool("psql")
        let result = try await ExternalTool(path: psql).run(
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.host, "-p", "\(server.port)", "-U", server.user, "-d", "postgres",
             "-c", "CREATE DATABASE \(name)"], timeout: 60)
        guard result.status == 0 else { throw Failure("CREATE DATABASE \(name) failed: \(result.stderr)") }
        return "postgres://\(server.user)@\(server.host):\(server.port)/\(name)?sslmode=disable"
    }

    /// Runs SQL on a database of the server (psql, tab-separated rows without headers).
    public func query(_ sql: String, database url: String) async throws -> String {
        let server = try await server()
        guard let name = URLComponents(string: url)?.path.dropFirst() else { throw Failure("not a URL: \(url)") }
        let result = try await ExternalTool(path: try Self.tool("psql")).run(
            ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", server.host, "-p", "\(server.port)",
             "-U", server.user, "-d", String(name), "-c", sql], timeout: 60)
        guard result.status == 0 else { throw Failure("psql failed: \(result.stderr)") }
        return result.stdout
    }

    // MARK: - Starting

    private static func start() async throws -> Server {
        if let given = ProcessInfo.processInfo.environment["CXD_TEST_POSTGRES"], !given.isEmpty {
            guard let components = URLComponents(string: given), let host = components.host else {
                throw Failure("CXD_TEST_POSTGRES is not a postgres:// URL: \(given)")
            }
            return Server(host: host, port: components.port ?? 5432, user: components.user ?? "postgres", dataFolder: nil, pid: nil)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cxd-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let asRoot = geteuid() == 0
        if asRoot {
            // The server refuses to run as root: the postgres user owns the cluster.
            let chown = try await ExternalTool("chown", package: "coreutils").run(["-R", "postgres:postgres", folder])
            guard chown.status == 0 else { throw Failure("chown failed: \(chown.stderr)") }
            _ = chmod(folder, 0o777)
        }
        let data = folder + "/data"
        let initdb = try await runAsOwner(
            [try tool("initdb"), "-D", data, "-U", "cxd", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot: asRoot)
        guard initdb.status == 0 else { throw Failure("initdb failed: \(initdb.stderr)") }
        let port = try FreeLoopbackPort.pick()
        let parent = ProcessInfo.processInfo.processIdentifier
        // The server runs under a watchdog shell: when the test process is gone (or after three
        // hours) it stops the server fast and removes the folder.
        let script = """
            "\(try tool("postgres"))" -D "\(data)" -p \(port) -k "\(folder)" -c listen_addresses=127.0.0.1 \
              -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
              -c log_min_messages=fatal >"\(folder)/server.log" 2>&1 &
            server=$!
            echo $server > "\(folder)/server.pid"
            deadline=$(( $(date +%s) + 10800 ))
            while [ -d /proc/\(parent) ] && kill -0 $server 2>/dev/null && [ $(date +%s) -lt $deadline ]; do sleep 1; done
            kill -QUIT $server 2>/dev/null
            wait $server
            rm -rf "\(folder)"
            """
        let watchdog = Process()
        if asRoot {
            watchdog.executableURL = URL(fileURLWithPath: try ExternalTool("runuser", package: "util-linux").path)
            watchdog.arguments = ["-u", "postgres", "--", "/bin/sh", "-c", script]
        } else {
            watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
            watchdog.arguments = ["-c", script]
        }
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
        let isReady = ExternalTool(path: try tool("pg_isready"))
        for _ in 0..<300 {
            let ready = try await isReady.run(["-q", "-h", "127.0.0.1", "-p", "\(port)"], timeout: 10)
            if ready.status == 0 {
                let pid = (try? String(contentsOfFile: folder + "/server.pid", encoding: .utf8))
                    .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                return Server(host: "127.0.0.1", port: port, user: "cxd", dataFolder: data, pid: pid)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
        throw Failure("the PostgreSQL server did not start within 30 s: \(log)")
    }

    private static func runAsOwner(_ command: [String], asRoot: Bool) async throws -> CXDProcess.Result {
        if asRoot {
            return try await ExternalTool("runuser", package: "util-linux").run(["-u", "postgres", "--"] + command, timeout: 120)
        }
        return try await ExternalTool(path: command[0]).run(Array(command.dropFirst()), timeout: 120)
    }

    /// A program of Debian's PostgreSQL 15 (its own bin folder, not on PATH), or of PATH.
    static func tool(_ name: String) throws -> String {
        for folder in ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"] {
            let path = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return try ExternalTool(name, package: "postgresql-15").path
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}

/// A loopback TCP port nothing listens on right now (bound to port 0, read, closed).
enum FreeLoopbackPort {
    static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresCluster.Failure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PostgresCluster.Failure("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw PostgresCluster.Failure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
