import CXConfig
import CXCore
import CXEngine
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One-click links from reminders: `GET /a/TOKEN` shows what the link would do and a button
/// (mail scanners and link previews fetch every link: a GET never changes anything); only
/// `POST /a/TOKEN` acts. A used, expired, tampered or superseded link gets a page that says so.
extension Site {
    func addLinkRoutes(to router: Router<BasicRequestContext>) {
        router.get("/a/{token}") { request, context in
            let token = try context.parameters.require("token")
            do {
                let preview = try await engine.preview(link: token, at: clock())
                let key = preview.link.action.rawValue
                let strings = Strings.table[Pages.language(of: request, preferred: preview.locale)] ?? Strings.english
                return page(
                    "link", title: strings["link_\(key)_heading"] ?? key,
                    values: [
                        "heading": strings["link_\(key)_heading"] ?? key, "question": strings["link_\(key)_question"] ?? "",
                        "button": strings["link_\(key)_button"] ?? key, "initiative_title": preview.initiativeTitle,
                        "step_title": preview.stepTitle, "recipient_name": preview.recipientName, "action_url": "/a/\(token)",
                    ],
                    request: request, preferred: preview.locale)
            } catch {
                return linkRefusal(error, request: request)
            }
        }
        router.post("/a/{token}") { request, context in
            let token = try context.parameters.require("token")
            do {
                let link = try await engine.use(link: token, at: clock())
                await wake()
                let locale = configuration.people[link.recipient]?.locale
                let strings = Strings.table[Pages.language(of: request, preferred: locale)] ?? Strings.english
                return page(
                    "message", title: strings["link_thanks"] ?? "",
                    values: [
                        "heading": strings["link_thanks"] ?? "", "message": strings["link_\(link.action.rawValue)_result"] ?? "",
                        "tone": "good", "initiative": link.initiative,
                    ],
                    request: request, preferred: locale)
            } catch {
                return linkRefusal(error, request: request)
            }
        }
    }

    /// The page for a link that cannot act, with the status that fits.
    func linkRefusal(_ error: any Error, request: Request) -> Response {
        // The recipient's language, when the link could be read.
        let recipient: PersonID? = switch error {
        case WebRefusal.linkUsed(let link), WebRefusal.linkSuperseded(let link), WebRefusal.linkExpired(let link): link.recipient
        default: nil
        }
        let locale = recipient.flatMap { configuration.people[$0]?.locale }
        let strings = Strings.table[Pages.language(of: request, preferred: locale)] ?? Strings.english
        let (status, message): (HTTPResponse.Status, String) = switch error {
        case WebRefusal.linkUsed: (.conflict, strings["link_used"] ?? "")
        case WebRefusal.linkSuperseded: (.conflict, strings["link_superseded"] ?? "")
        case WebRefusal.linkExpired: (.gone, strings["link_expired"] ?? "")
        case WebRefusal.linkInvalid: (.notFound, strings["link_invalid"] ?? "")
        case let error as TransitionError: (.conflict, "\(strings["link_refused"] ?? "") \(error)")
        case let error as EngineError: (.conflict, "\(strings["link_refused"] ?? "") \(error)")
        default: (.internalServerError, "\(strings["link_refused"] ?? "") internal error")
        }
        if status == .internalServerError { logger.error("one-click link failed: \(error)") }
        return page(
            "message", title: strings["link_cannot"] ?? "",
            values: ["heading": strings["link_cannot"] ?? "", "message": message, "tone": "bad"], request: request, status: status,
            preferred: locale)
    }

    /// A page in the layout, for whoever is signed in (if anyone).
    func page(
        _ template: String, title: String, values: [String: Any], request: Request, status: HTTPResponse.Status = .ok,
        preferred: String? = nil
    ) -> Response {
        let authenticator = authenticator
        let session = authenticator.session(request, at: clock())
        return Pages.render(
            template, title: title, values: values, request: request, session: session,
            csrf: session.map(authenticator.csrfToken(for:)), canSignIn: tokensConfigured,
            names: configuration.people.mapValues(\.name), status: status, preferred: preferred)
    }
}
