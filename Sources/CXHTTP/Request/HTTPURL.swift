import Foundation

/// An absolute `http://` or `https://` URL taken apart once: its endpoint and the request
/// target (path and query) sent in the request line.
public struct HTTPURL: Hashable, Sendable {
    public var endpoint: HTTPEndpoint
    /// `/hooks/cxd?team=vn`; `/` when the URL has no path.
    public var target: String
    /// The `Host` header's value, made once.
    let hostHeader: String

    /// Nil unless `text` is an http or https URL with a host.
    public init?(_ text: String) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme.flatMap({ HTTPEndpoint.Scheme(rawValue: $0.lowercased()) }),
              let host = components.host, !host.isEmpty
        else { return nil }
        if let port = components.port, !(1...65535).contains(port) { return nil }
        endpoint = HTTPEndpoint(scheme: scheme, host: host, port: components.port)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        target = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        hostHeader = endpoint.hostHeader
    }
}
