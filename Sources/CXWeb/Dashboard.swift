import CXConfig
import CXCore
import CXEngine
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's pages: the overview (`/`), one initiative (`/initiatives/{id}`, its whole
/// audit log at `/initiatives/{id}/log`) and one person's work (`/people/{id}`), plus the
/// forms that act on them. Reading follows the API's rule (a sign-in once tokens exist);
/// every form carries the CSRF token of the sign-in and acts through the engine, as the API.
extension Site {
    /// Initiatives on one page of the overview.
    static let overviewPageSize = 100
    /// Audit entries on one page of the whole log.
    static let logPageSize = 100

    func addDashboardRoutes(to router: Router<BasicRequestContext>) {
        addSignInRoutes(to: router)
        router.get("/") { request, _ in
            await reading(request) { view in try await overview(request, view: view) }
        }
        router.get("/initiatives/{id}") { request, context in
            let id = try context.parameters.require("id")
            return await reading(request) { view in try await initiativePage(id, request: request, view: view) }
        }
        router.get("/initiatives/{id}/log") { request, context in
            let id = try context.parameters.require("id")
            return await reading(request) { view in try await logPage(id, request: request, view: view) }
        }
        router.get("/people/{id}") { request, context in
            let id = try context.parameters.require("id")
            return await reading(request) { view in try await personPage(id, request: request, view: view) }
        }
        router.post("/initiatives/{id}/actions/{action}") { request, context in
            let id = try context.parameters.require("id")
            let name = try context.parameters.require("action")
            return await acting(request, back: "/initiatives/\(Self.pathSegment(id))") { session, form in
                let action = try DashboardAction.parse(name, form: form)
                try await engine.reconcile(id, at: clock())
                try await engine.act(action, on: id, as: session.subject, via: "dashboard", at: clock())
                await wake()
                return "/initiatives/\(Self.pathSegment(id))?done=\(name)"
            }
        }
        router.post("/followups/{id}/close") { request, context in
            let text = try context.parameters.require("id")
            // Where the form was: the overview, an initiative or a person's page.
            let next = request.uri.queryParameters["next"].map { safeNext(String($0)) }
            return await acting(request, back: next) { session, form in
                guard let followUp = Int64(text) else { throw APIError(.notFound, "no follow-up '\(text)'") }
                let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
                let closed = try await engine.closeFollowUp(followUp, as: session.subject, note: note, at: clock())
                await wake()
                let path = next ?? "/initiatives/\(Self.pathSegment(closed.initiative))"
                return path + (path.contains("?") ? "&" : "?") + "done=close"
            }
        }
    }

    // MARK: - Reading and acting

    /// Renders a page for a reader. With tokens configured, a reader who has not signed in is
    /// sent to the sign-in page (and back here afterwards); any refusal becomes a page that
    /// says what went wrong, with the status that fits.
    func reading(_ request: Request, _ body: (DashboardView) async throws -> Response) async -> Response {
        let authenticator = authenticator
        let session = authenticator.session(request, at: clock())
        let view = DashboardView(site: self, request: request, session: session)
        if session == nil, (try? requireReader(request)) == nil {
            return Self.redirect("/login?next=\(Self.queryValue(request.uri.string))")
        }
        do {
            return try await body(view)
        } catch {
            return refusalPage(error, request: request, view: view, back: nil)
        }
    }

    /// Handles a form that changes something: it needs a sign-in and the form's CSRF token;
    /// `body` acts and returns where to go next (a 303 there). A refusal is a page saying why.
    func acting(_ request: Request, back: String?, _ body: (Authenticator.Session, Form) async throws -> String) async -> Response {
        let authenticator = authenticator
        let session = authenticator.session(request, at: clock())
        let view = DashboardView(site: self, request: request, session: session)
        do {
            guard let session else {
                throw APIError(.unauthorized, view.word("sign_in_to_act"))
            }
            let form = try await Form.read(request)
            guard authenticator.csrfIsValid(form["csrf"], for: session) else {
                throw APIError(.forbidden, view.word("stale_form"))
            }
            return Self.redirect(try await body(session, form))
        } catch {
            return refusalPage(error, request: request, view: view, back: back)
        }
    }

    /// The page for a request the engine refused (or that failed): the reason, in the words
    /// the API uses, and the way back.
    func refusalPage(_ error: any Error, request: Request, view: DashboardView, back: String?) -> Response {
        let failure = apiError(error)
        let heading = switch failure.status {
        case .notFound: view.word("not_found")
        case .forbidden, .unauthorized: view.word("forbidden")
        case .internalServerError: view.word("internal_error")
        default: view.word("refused")
        }
        var values: [String: Any] = ["heading": heading, "message": failure.message]
        if let back { values["back"] = back }
        if failure.status == .unauthorized { values["sign_in_next"] = Self.queryValue(back ?? "/") }
        return page("refusal", title: heading, values: values, request: request, status: failure.status)
    }

    // MARK: - Helpers

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A value for a query string (`next=…`).
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
    }

    /// An identifier as one path segment.
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// The step actions the dashboard's buttons post (`/initiatives/{id}/actions/{name}`).
enum DashboardAction {
    static let names = ["complete", "ack", "snooze-1d", "snooze-1w", "pause", "resume", "reopen"]

    static func parse(_ name: String, form: Form) throws -> StepAction {
        let note = form["note"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        if let note, note.utf8.count > 4000 { throw APIError(.badRequest, "the note is too long (at most 4,000 bytes)") }
        let step = form["step"].flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        // The step the form was made for: a second click (or a stale page) cannot close the next one.
        case "complete": return .complete(step: step, note: note)
        case "ack": return .acknowledge
        case "snooze-1d": return .snooze(.days(1))
        case "snooze-1w": return .snooze(.weeks(1))
        case "pause": return .pause(note: note)
        case "resume": return .resume
        case "reopen":
            guard let step else { throw APIError(.badRequest, "choose the step to reopen") }
            return .reopen(step: step, note: note)
        default: throw APIError(.notFound, "no action '\(name)' (expected one of \(names.joined(separator: ", ")))")
        }
    }
}
