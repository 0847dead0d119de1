import Foundation

/// A self-signed certificate for `localhost` and 127.0.0.1, made with the openssl CLI.
public struct TestCertificate: Sendable {
    public let folder = TemporaryDirectory("cxd-cert")
    public var certificate: String { folder.file("cert.pem") }
    public var key: String { folder.file("key.pem") }

    public init() async throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
            "-keyout", folder.file("key.pem"), "-out", folder.file("cert.pem"),
        ]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        guard await CXDProcess.waitFor(timeout: 120, { !openssl.isRunning }) != nil, openssl.terminationStatus == 0 else {
            openssl.terminate()
            throw CertificateError()
        }
    }

    public struct CertificateError: Error {}
}
