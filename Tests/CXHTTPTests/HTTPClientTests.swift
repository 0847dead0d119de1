import CXHTTP
import CXTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// `HTTPClient` over real loopback sockets, against a server that misbehaves on purpose.
@Suite struct HTTPClientTests {
    private static func request(_ url: String, body: String = "{}") throws -> HTTPRequest {
        HTTPRequest(
            url: try #require(HTTPURL(url)), headers: ["content-type": "application/json", "x-test": "1"],
            body: ByteBuffer(string: body))
    }

    /// Runs `body`, returning its error (nil when it answered).
    private static func failure(_ body: () async throws -> HTTPResponse) async -> HTTPClientError? {
        do {
            _ = try await body()
            return nil
        } catch let error as HTTPClientError {
            return error
        } catch {
            Issue.record("not an HTTPClientError: \(error)")
            return nil
        }
    }

    @Test("requests in a row go over one kept-alive connection, each with its Host and Content-Length")
    func keepAliveReusesOneConnection() async throws {
        let server = try await LoopbackHTTPServer()
        let client = HTTPClient()
        for index in 0..<3 {
            let response = try await client.execute(
                try Self.request(server.url("/hooks?n=\(index)"), body: "{\"n\":\(index)}"), bodyLimit: 1024, timeout: .seconds(10))
            #expect(response.status == .ok && response.isBodyComplete)
        }
        #expect(server.accepted == 1)
        let requests = server.requests
        #expect(requests.map(\.connection) == [1, 1, 1])
        #expect(requests.map(\.requestLine) == ["POST /hooks?n=0 HTTP/1.1", "POST /hooks?n=1 HTTP/1.1", "POST /hooks?n=2 HTTP/1.1"])
        #expect(requests.map(\.body) == ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"])
        #expect(requests.allSatisfy {
            $0.headers["host"] == "127.0.0.1:\(server.port)" && $0.headers["x-test"] == "1" && $0.headers["content-length"] == "7"
        })
        await server.stop()
    }

    @Test("an answer with Connection: close closes the connection; the next request opens a new one")
    func connectionCloseAnswer() async throws {
        let server = try await LoopbackHTTPServer([.status(200, close: true)])
        let client = HTTPClient()
        for _ in 0..<2 {
            #expect(try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10)).status == .ok)
        }
        #expect(server.accepted == 2)
        #expect(server.requests.map(\.connection) == [1, 2])
        await server.stop()
    }

    @Test("a server that closes a kept-alive connection between requests: the next request goes over a new one")
    func serverClosesBetweenRequests() async throws {
        let server = try await LoopbackHTTPServer([.okThenClose])
        let client = HTTPClient()
        #expect(try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10)).status == .ok)
        #expect(await CXDProcess.waitFor(timeout: 120) { server.closed == 1 } != nil)
        // The client's event loop reads the server's close (on loopback, at once).
        try await Task.sleep(for: .milliseconds(200))

        #expect(try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10)).status == .ok)
        #expect(server.accepted == 2)
        await server.stop()
    }

    @Test("a kept-alive connection the server closes without answering: the request fails, the next one takes a new connection")
    func closedWithoutAnswer() async throws {
        let server = try await LoopbackHTTPServer([.status(200), .drop])
        let client = HTTPClient()
        _ = try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10))

        let request = try Self.request(server.url())
        let error = await Self.failure { try await client.execute(request, bodyLimit: 1024, timeout: .seconds(10)) }

        #expect(error?.kind == .closedBeforeAnswer)
        #expect(error?.description == "127.0.0.1:\(server.port) closed the connection before answering")
        #expect(try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10)).status == .ok)
        #expect(server.requests.map(\.connection) == [1, 1, 2])
        await server.stop()
    }

    @Test(
        "the timeout bounds the whole exchange: an answer that stops in the middle of its body, or never comes",
        arguments: [LoopbackHTTPServer.Answer.stallInBody(length: 100, sent: 10), .silence])
    func timeoutMidAnswer(answer: LoopbackHTTPServer.Answer) async throws {
        let server = try await LoopbackHTTPServer([answer])
        let client = HTTPClient()
        let clock = ContinuousClock()
        let started = clock.now

        let error = await Self.failure { try await client.execute(Self.request(server.url()), bodyLimit: 1024, timeout: .milliseconds(300)) }

        #expect(error?.kind == .timedOut)
        // Generous (a loaded CI machine, the whole suite in parallel): the point is that it
        // does not wait for an answer that never comes.
        let took = clock.now - started
        #expect(took < .seconds(60), "took \(took)")
        print("http: \(answer) with timeout 300ms ended after \(took)")
        // The connection is closed, not handed to the next request.
        #expect(await CXDProcess.waitFor(timeout: 120) { server.closed == 1 } != nil)
        await server.stop()
    }

    @Test("a refused connection fails at once and names the address")
    func refusedConnection() async throws {
        let port = try ClosedPort.make()
        let client = HTTPClient()

        let error = await Self.failure {
            try await client.execute(Self.request("http://127.0.0.1:\(port)/hooks"), bodyLimit: 1024, timeout: .seconds(300))
        }

        #expect(error?.kind == .connectionRefused(address: "127.0.0.1:\(port)"))
        #expect(error?.description == "connection refused by 127.0.0.1:\(port)")
    }

    @Test("at most bodyLimit bytes of an answer are read; the rest is left unread and the connection closed")
    func bodyPastTheLimit() async throws {
        let server = try await LoopbackHTTPServer([.longBody(200_000)])
        let client = HTTPClient()

        let response = try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10))

        #expect(response.status == .ok && !response.isBodyComplete && response.body.readableBytes == 1024)
        #expect(try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10)).isBodyComplete)
        #expect(server.accepted == 2)
        await server.stop()
    }

    @Test("redirects are answers, not followed")
    func redirectsAreNotFollowed() async throws {
        let server = try await LoopbackHTTPServer([.status(302, headers: ["Location": "/elsewhere"])])
        let client = HTTPClient()

        let response = try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10))

        #expect(response.status == .found && response.headers.first(name: "location") == "/elsewhere")
        #expect(server.requests.count == 1)
        await server.stop()
    }

    @Test("cancelling the calling task ends the request and closes its connection")
    func cancellation() async throws {
        let server = try await LoopbackHTTPServer([.silence])
        let client = HTTPClient()
        let request = try Self.request(server.url())
        let task = Task { await Self.failure { try await client.execute(request, bodyLimit: 1024, timeout: .seconds(300)) } }
        #expect(await CXDProcess.waitFor(timeout: 120) { server.requests.count == 1 } != nil)

        task.cancel()

        #expect(await task.value?.kind == .cancelled)
        #expect(await CXDProcess.waitFor(timeout: 120) { server.closed == 1 } != nil)
        await server.stop()
    }

    @Test("a connection left idle closes after the idle timeout")
    func idleConnectionsClose() async throws {
        let server = try await LoopbackHTTPServer()
        let client = HTTPClient(configuration: .init(idleTimeout: .milliseconds(200)))

        _ = try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10))

        #expect(await CXDProcess.waitFor(timeout: 120) { server.closed == 1 } != nil)
        _ = try await client.execute(try Self.request(server.url()), bodyLimit: 1024, timeout: .seconds(10))
        #expect(server.accepted == 2)
        await server.stop()
    }

    @Test("https: kept-alive connections to a server the client trusts; a certificate it does not trust is a TLS error")
    func https() async throws {
        let certificate = try await TestCertificate()
        let server = try await LoopbackHTTPServer(certificate: certificate)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.certificate))
        let trusting = HTTPClient(configuration: .init(tls: tls))

        for _ in 0..<2 {
            #expect(try await trusting.execute(try Self.request(server.url(scheme: "https")), bodyLimit: 1024, timeout: .seconds(10)).status == .ok)
        }
        #expect(server.accepted == 1)

        let error = await Self.failure {
            try await HTTPClient().execute(Self.request(server.url(scheme: "https")), bodyLimit: 1024, timeout: .seconds(10))
        }
        #expect(error?.kind == .tls)
        #expect(error?.description.hasPrefix("TLS with 127.0.0.1:\(server.port) failed") == true)
        await server.stop()
    }
}
