import CXTestSupport
import Foundation
import Testing

/// A real SMTP server for the email notifier tests: `Support/smtp_server.py` (aiosmtpd) on
/// 127.0.0.1, started in a mode, stopped by closing its stdin (it also stops by itself after a
/// minute). Messages it accepts are read back through `Support/smtp_parse.py`.
final class EmailTestServer: @unchecked Sendable {
    let folder = TemporaryDirectory("cxd-smtp")
    private(set) var port = 0
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let received = ReceivedOutput()

    static let support = repositoryRoot().appendingPathComponent("Tests/CXNotifiersTests/Support")

    /// Starts the server and waits (at most 20 s) for it to print its port.
    init(_ arguments: [String] = [], password: String? = nil, certificate: TestCertificate? = nil) async throws {
        try await PythonTools.requireEnvironment()
        process.executableURL = URL(fileURLWithPath: PythonTools.python)
        var all = [Self.support.appendingPathComponent("smtp_server.py").path, "--out", folder.file("out")]
        if let certificate { all += ["--cert", certificate.certificate, "--key", certificate.key] }
        process.arguments = all + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SMTP_TEST_PASSWORD"] = password ?? ""
        environment["PYTHONWARNINGS"] = "ignore"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: folder.file("stderr"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: folder.file("stderr"))
        output.fileHandleForReading.readabilityHandler = { [received] handle in received.append(handle.availableData) }
        try process.run()
        var line: String?
        _ = await CXDProcess.waitFor(timeout: 120) {
            line = self.received.firstLine
            return line != nil || !self.process.isRunning
        }
        guard let line, let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            stop()
            throw ServerDidNotStart(stderr: (try? folder.read("stderr")) ?? "")
        }
        self.port = port
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "smtp_server.py did not start: \(stderr)" }
    }

    /// Closes stdin and waits (at most 10 s) for the server to exit.
    func stop() {
        output.fileHandleForReading.readabilityHandler = nil
        try? input.fileHandleForWriting.close()
        if CXDProcess.waitForBlocking(timeout: 10, { !self.process.isRunning }) == nil, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    deinit { stop() }

    /// How many connections the server has accepted.
    var sessions: Int { Int((try? folder.read("out/sessions.txt")) ?? "") ?? 0 }

    /// Every message accepted so far, in order, as Python's `email` package reads it.
    func messages() async throws -> [ReceivedEmail] {
        let parser = Process()
        parser.executableURL = URL(fileURLWithPath: PythonTools.python)
        parser.arguments = [Self.support.appendingPathComponent("smtp_parse.py").path, folder.file("out")]
        _ = FileManager.default.createFile(atPath: folder.file("parsed.json"), contents: nil)
        parser.standardOutput = FileHandle(forWritingAtPath: folder.file("parsed.json"))
        try parser.run()
        guard await CXDProcess.waitFor(timeout: 120, { !parser.isRunning }) != nil, parser.terminationStatus == 0 else {
            parser.terminate()
            throw ServerDidNotStart(stderr: "smtp_parse.py failed")
        }
        return try JSONDecoder().decode([ReceivedEmail].self, from: Data(try folder.read("parsed.json").utf8))
    }
}

/// What the server printed on stdout, collected as it arrives.
private final class ReceivedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.withLock { data.append(more) }
    }

    /// The first complete line, once there is one.
    var firstLine: String? {
        lock.withLock {
            String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().first.map(String.init)
        }
    }
}

/// One received message as `smtp_parse.py` describes it.
struct ReceivedEmail: Decodable {
    struct Envelope: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var session: Int
        var tls: Bool
        var authenticated: Bool
    }

    var subject: String
    var from_name: String
    var from_address: String
    var to: [String]
    var cc: [String]
    var reply_to: String
    var message_id: String
    var date: String
    var date_valid: Bool
    var content_type: String
    var part_types: [String]
    var text: String?
    var html: String?
    var longest_line: Int
    var defects: Int
    var envelope: Envelope
}
