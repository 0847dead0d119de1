import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `cxd run` serving HTTP on a free loopback port, on a copy of the example project
/// with two tokens (`admin`, and `hung`, who owns the first step of the example's active
/// initiative). Stopped with SIGTERM by `stop()` (or killed when dropped).
public final class WebDaemon: @unchecked Sendable {
    public let project: TestProject
    public let process: CXDProcess.Running
    public let baseURL: String
    public static let adminToken = "admin-test-token-0123456789abcdef"
    public static let personToken = "hung-test-token-0123456789abcdef"
    public static let person = "hung"

    /// - Parameters:
    ///   - configure: edits the project before the daemon starts (notifiers, routes…).
    ///   - arguments: more arguments for `cxd run`.
    public init(
        keeping initiatives: Set<String>? = nil, extraHTTP: String = "", environment: [String: String] = [:],
        arguments: [String] = [], configure: (TestProject) throws -> Void = { _ in }
    ) async throws {
        project = try TestProject(keeping: initiatives)
        try project.workAroundTheClock()
        // The example's active initiative starts yesterday, whatever today is: an open step
        // (hung's `scope`) on the real clock.
        let yesterday = Date().addingTimeInterval(-86_400).formatted(.iso8601.year().month().day())
        let file = project.folder.file("config/initiatives/pos-checkout.yaml")
        if FileManager.default.fileExists(atPath: file) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
                .replacingOccurrences(of: "start: 2026-11-23", with: "start: \(yesterday)")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        try project.folder.write("secrets/admin.token", Self.adminToken + "\n")
        try project.folder.write("secrets/hung.token", Self.personToken + "\n")
        try project.edit("config/cxd.yaml") { text in
            text + """

                http:
                  listen: 127.0.0.1:0
                  tokens:
                    admin: {token_file: ../secrets/admin.token}
                    hung: {token_file: ../secrets/hung.token}
                \(extraHTTP)
                """
        }
        try configure(project)
        let process = try CXDProcess.start(
            ["run", "-c", project.configPath, "--http-listen", "127.0.0.1:0"] + arguments, in: project.folder.path,
            environment: environment)
        self.process = process
        let marker = "HTTP service listening on 127.0.0.1:"
        var port: Int?
        _ = await CXDProcess.waitFor(timeout: 120) {
            guard let range = process.stderr.range(of: marker) else { return !process.process.isRunning }
            port = Int(process.stderr[range.upperBound...].prefix(while: \.isNumber))
            return true
        }
        guard let port else {
            throw Failure(message: "the daemon did not start its HTTP service; its log:\n\(process.stderr)")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// SIGTERM, then waits for the daemon to exit; returns its exit status and output.
    @discardableResult
    public func stop() async -> CXDProcess.Result {
        process.signal(SIGTERM)
        return await process.wait(timeout: 60)
    }

    /// One HTTP exchange (URLSession on loopback): status, headers, body.
    public func request(
        _ method: String, _ path: String, token: String? = nil, body: String? = nil, contentType: String = "application/json",
        headers: [String: String] = [:]
    ) async throws -> (status: Int, headers: [String: String], body: String) {
        guard let url = URL(string: baseURL + path) else { throw Failure(message: "not a URL: \(baseURL + path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure(message: "not an HTTP response") }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return (http.statusCode, fields, String(decoding: data, as: UTF8.self))
    }
}
