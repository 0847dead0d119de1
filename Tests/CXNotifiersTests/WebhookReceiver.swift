import CXTestSupport
import Foundation

/// The Python webhook receiver (`Tests/Support/webhook_receiver.py`) running on 127.0.0.1: it verifies
/// every request with the independent `standardwebhooks` package, answers from a script and
/// records what it saw. Stopped (stdin closed) when released.
final class WebhookReceiver: @unchecked Sendable {
    /// One request as the receiver recorded it.
    struct Request: Decodable {
        var webhookId: String?
        /// The scripted answer: `200`, `429:2`, `slow:3`, `drop`…
        var answer: String
        /// The status answered right away; nil for `drop` and `slow` (which answers 503 late).
        var status: Int?
        /// Verified with the first secret given.
        var verified: Bool
        /// Indexes of the secrets the request verifies with.
        var verifiedBy: [Int]
        /// For each signature in `webhook-signature`, the index of the secret it verifies with.
        var signatureMatches: [Int?]
        /// Header names lowercased.
        var headers: [String: String]
        var body: String
        /// The client's port: requests over one kept-alive connection share it.
        var peerPort: Int

        var answeredSuccess: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    static let scriptPath = repositoryRoot().appendingPathComponent("Tests/Support/webhook_receiver.py").path

    let port: Int
    /// `https` when the receiver was given a certificate.
    let scheme: String
    var url: String { "\(scheme)://127.0.0.1:\(port)/hooks/cxd" }

    private let folder = TemporaryDirectory("cxd-webhook")
    private let process = Process()
    private let input = Pipe()

    /// Starts the receiver; `script` answers requests in turn (then 200), `secrets` verify them;
    /// with `certificate` it speaks HTTPS.
    init(
        script: [String] = [], secrets: [String] = [], certificate: TestCertificate? = nil, lifetime: TimeInterval = 60
    ) async throws {
        try await PythonTools.requireEnvironment()
        let output = folder.file("stdout")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.executableURL = URL(fileURLWithPath: PythonTools.python)
        var arguments = [Self.scriptPath, "--log", folder.file("requests.jsonl"), "--lifetime", String(lifetime)]
        if !script.isEmpty { arguments += ["--script", script.joined(separator: ",")] }
        for secret in secrets { arguments += ["--secret", secret] }
        if let certificate { arguments += ["--cert", certificate.certificate, "--key", certificate.key] }
        scheme = certificate == nil ? "http" : "https"
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try process.run()

        // The first line of stdout is the port; wait for it, but not for ever.
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning {
            let text = (try? folder.read("stdout")) ?? ""
            if let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, text.contains("\n") {
                port = Int(line)
            } else {
                usleep(20_000)
            }
        }
        guard let port else {
            try? input.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            throw StartError(output: (try? folder.read("stdout")) ?? "")
        }
        self.port = port
    }

    deinit { stop() }

    /// Closes the receiver's stdin (it stops) and waits a bounded time for it to exit.
    func stop() {
        try? input.fileHandleForWriting.close()
        guard process.isRunning else { return }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
    }

    /// Every request recorded so far, in arrival order.
    func requests() throws -> [Request] {
        guard FileManager.default.fileExists(atPath: folder.file("requests.jsonl")) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try folder.read("requests.jsonl").split(separator: "\n").map {
            try decoder.decode(Request.self, from: Data($0.utf8))
        }
    }

    struct StartError: Error, CustomStringConvertible {
        var output: String
        var description: String { "the webhook receiver did not start: \(output)" }
    }
}
