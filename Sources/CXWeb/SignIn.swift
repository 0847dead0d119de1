import CXConfig
import CXCore
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's sign-in: the same tokens as the API, exchanged on a form for a signed,
/// HttpOnly, SameSite=Strict cookie (Secure when `public_url` is https). Every form that
/// changes something carries a CSRF token bound to the cookie.
extension Site {
    func addSignInRoutes(to router: Router<BasicRequestContext>) {
        router.get("/static/{file}") { _, context in
            let name = try context.parameters.require("file")
            guard let text = EmbeddedWeb.files[name] else { throw APIError(.notFound, "no static file '\(name)'") }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "text/plain; charset=utf-8"
            return Response.text(text, contentType: type, headers: [.cacheControl: "public, max-age=300"])
        }
        router.get("/login") { request, _ in
            let strings = Strings.table[Pages.language(of: request)] ?? Strings.english
            return page("login", title: strings["sign_in"] ?? "", values: ["next": safeNext(request.uri.queryParameters["next"].map(String.init))], request: request)
        }
        router.post("/login") { request, _ in
            let form = try await Form.read(request)
            let strings = Strings.table[Pages.language(of: request)] ?? Strings.english
            let token = form["token"] ?? ""
            guard let subject = authenticator.subject(forToken: token) else {
                return page(
                    "login", title: strings["sign_in"] ?? "", values: ["error": strings["bad_token"] ?? "", "next": safeNext(form["next"])],
                    request: request, status: .unauthorized)
            }
            let cookie = authenticator.cookie(for: subject, token: token, at: clock())
            let secure = (http?.publicURL ?? "").hasPrefix("https://") ? "; Secure" : ""
            var target = safeNext(form["next"])
            if target == "/", case .person(let id) = subject { target = "/people/\(id)" }
            return Response(
                status: .seeOther,
                headers: [
                    .location: target,
                    .setCookie: "\(Authenticator.cookieName)=\(cookie); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(Authenticator.sessionLifetime))\(secure)",
                ])
        }
        router.post("/logout") { request, _ in
            let form = try await Form.read(request)
            if let session = authenticator.session(request, at: clock()), !authenticator.csrfIsValid(form["csrf"], for: session) {
                throw APIError(.forbidden, "the form is stale (CSRF token missing or wrong): reload the page and try again")
            }
            return Response(
                status: .seeOther,
                headers: [.location: "/", .setCookie: "\(Authenticator.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"])
        }
    }

    /// Only a path on this site (never `//other.site` or `https://…`): no open redirect.
    func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.utf8.count < 500 else { return "/" }
        return next
    }
}

/// An `application/x-www-form-urlencoded` body.
struct Form {
    var values: [String: String]

    subscript(_ key: String) -> String? { values[key] }

    static func read(_ request: Request) async throws -> Form {
        let buffer = try await collect(request, upTo: 64 * 1024)
        let text = String(buffer: buffer)
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            values[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return Form(values: values)
    }

    private static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
