@testable import CXHTTP
import Testing

/// URLs taken apart once: where to connect, what goes in the request line and the Host header.
@Suite struct HTTPURLTests {
    @Test(
        "endpoint, target and Host header of http and https URLs",
        arguments: [
            ("http://127.0.0.1:8080/hooks/cxd", HTTPEndpoint.Scheme.http, "127.0.0.1", 8080, "/hooks/cxd", "127.0.0.1:8080"),
            ("https://hooks.example.com/services/T0/B0?x=1&y=%20", .https, "hooks.example.com", 443, "/services/T0/B0?x=1&y=%20", "hooks.example.com"),
            ("HTTPS://Example.com:8443", .https, "Example.com", 8443, "/", "Example.com:8443"),
            ("http://[::1]:9000/a", .http, "::1", 9000, "/a", "[::1]:9000"),
            ("http://example.com:80/", .http, "example.com", 80, "/", "example.com"),
        ])
    func parts(url: String, scheme: HTTPEndpoint.Scheme, host: String, port: Int, target: String, hostHeader: String) throws {
        let parsed = try #require(HTTPURL(url))
        #expect(parsed.endpoint == HTTPEndpoint(scheme: scheme, host: host, port: port))
        #expect(parsed.target == target)
        #expect(parsed.hostHeader == hostHeader)
    }

    @Test("not http(s) URLs with a host", arguments: ["ftp://example.com/", "http:///path", "example.com/hooks", "http://example.com:70000/"])
    func rejected(url: String) {
        #expect(HTTPURL(url) == nil)
    }

    @Test("errors name the endpoint, IPv6 in brackets")
    func endpointDescription() {
        #expect(HTTPEndpoint(scheme: .https, host: "::1", port: 8443).description == "[::1]:8443")
        #expect(HTTPClientError(.closedBeforeAnswer, endpoint: HTTPEndpoint(scheme: .http, host: "a.test")).description
            == "a.test:80 closed the connection before answering")
    }
}
