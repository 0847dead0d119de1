import CXConfig
import CXCore
import CXEngine
import CXStore
import CXSurveys
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `/api/v1`: the read API (open on loopback without tokens, else any token) and the write
/// API (a person's token for their own steps, `admin` for any). Every answer is JSON; every
/// refusal says what was wrong (see `APIError`). `web/openapi.json` describes it all.
extension Site {
    func addAPIRoutes(to router: Router<BasicRequestContext>) {
        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in
            Response.text(EmbeddedWeb.openAPI, contentType: "application/json; charset=utf-8")
        }
        api.get("initiatives") { request, _ in
            try await answering {
                try requireReader(request)
                let query = Query(request)
                let phase = try query.oneOf("phase", InitiativeState.Phase.allCases.map(\.rawValue))
                let page = try await engine.initiatives(
                    phase: phase, owner: try query.identifier("owner"), overdue: try query.bool("overdue") ?? false,
                    after: try query.identifier("after"), limit: try query.limit(), at: clock())
                return try APIJSON.response(page)
            }
        }
        api.get("initiatives/{id}") { request, context in
            try await answering {
                try requireReader(request)
                let id = try context.parameters.require("id")
                return try APIJSON.response(try await engine.detail(of: id, at: clock()))
            }
        }
        api.get("initiatives/{id}/events") { request, context in
            try await answering {
                try requireReader(request)
                let query = Query(request)
                let id = try context.parameters.require("id")
                let limit = try query.limit()
                let page = try await engine.events(of: id, after: try query.integer("after"), limit: limit)
                return try APIJSON.response(Page(page.items.map(EventView.init), hasMore: page.hasMore, id: \.id))
            }
        }
        api.get("outbox") { request, _ in
            try await answering {
                try requireReader(request)
                let query = Query(request)
                let status = try query.oneOf("status", OutboxMessage.Status.allCases.map(\.rawValue)).flatMap(OutboxMessage.Status.init(rawValue:))
                let limit = try query.limit()
                let page = try await engine.outboxPage(status: status, after: try query.integer("after"), limit: limit)
                return try APIJSON.response(Page(page.items.map(OutboxSummary.init), hasMore: page.hasMore, id: \.id))
            }
        }
        api.get("people/{id}/tasks") { request, context in
            try await answering {
                try requireReader(request)
                return try APIJSON.response(try await engine.tasks(of: try context.parameters.require("id"), at: clock()))
            }
        }

        // Writes: the same engine transaction as the CLI, then the daemon is woken.
        for name in ["complete", "reopen", "pause", "resume", "ack", "snooze"] {
            api.post("initiatives/{id}/\(name)") { request, context in
                try await answering {
                    let subject = try authenticator.require(request)
                    let id = try context.parameters.require("id")
                    let body = try await ActionBody.read(request)
                    let action = try body.action(name)
                    try await engine.reconcile(id, at: clock())
                    try await engine.act(action, on: id, as: subject, via: "api", at: clock())
                    await wake()
                    return try APIJSON.response(try await engine.detail(of: id, at: clock()).status)
                }
            }
        }
        api.post("followups/{id}/close") { request, context in
            try await answering {
                let subject = try authenticator.require(request)
                guard let id = Int64(try context.parameters.require("id")) else {
                    throw APIError(.badRequest, "a follow-up id is a whole number (from `cxd followups` or /api/v1/people/{id}/tasks)")
                }
                let body = try await ActionBody.read(request)
                let followUp = try await engine.closeFollowUp(id, as: subject, note: body.note, at: clock())
                await wake()
                return try APIJSON.response(FollowUpView(followUp))
            }
        }
        api.post("initiatives/{id}/responses") { request, context in
            try await answering {
                let subject = try authenticator.require(request)
                guard subject == .admin else {
                    throw APIError(.forbidden, "posting survey answers needs an admin token (\(subject) is a person)")
                }
                let id = try context.parameters.require("id")
                let body = try await ResponsesBody.read(request)
                // The name's extension chooses the reader: the answers are JSON lines.
                let report = try await engine.importResponses(
                    body.jsonLines(), file: "request.jsonl", initiative: id, round: body.round,
                    skipInvalid: body.skipInvalid ?? false, at: clock())
                await wake()
                return try APIJSON.response(ImportView(report), status: .created)
            }
        }
    }

    /// Runs a handler, turning the engine's refusals into API errors; anything unexpected is
    /// logged and answered 500 without details.
    func answering(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch {
            throw apiError(error)
        }
    }

    func apiError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as EngineError:
            switch error {
            case .unknownInitiative, .unknownMessage, .unknownFollowUp, .unknownPerson, .unknownNotifier:
                return APIError(.notFound, error.description)
            case .notConfigured, .alreadyDelivered, .followUpClosed:
                return APIError(.conflict, error.description)
            }
        case let error as TransitionError:
            return APIError(.conflict, error.description)
        case let error as WebRefusal:
            switch error {
            case .notYourStep, .notYourFollowUp: return APIError(.forbidden, error.description)
            case .unknownPerson: return APIError(.notFound, error.description)
            case .linkSuperseded, .linkUsed: return APIError(.conflict, error.description)
            case .linkExpired: return APIError(.gone, error.description)
            case .linkInvalid: return APIError(.notFound, error.description)
            }
        case let error as ImportError:
            let problems = error.errors.map { APIError.Problem(index: $0.line - 1, field: nil, message: $0.message) }
            let message = error.noAnswers
                ? "no answers to import; nothing was imported"
                : "\(error.count) bad answer(s); nothing was imported (set skip_invalid to import the good ones)"
            return APIError(.unprocessableContent, message, problems: problems)
        case let error as SurveyMachine.RoundChoice:
            switch error {
            case .unknownRound: return APIError(.notFound, error.description)
            case .noOpenRound:
                return APIError(.conflict, error.description.replacingOccurrences(of: "give --round N", with: "give \"round\": N"))
            }
        case let error as SurveyError:
            switch error {
            case .noSurvey: return APIError(.conflict, error.description)
            case .unknownRound: return APIError(.notFound, error.description)
            }
        case let error as ConfigurationError:
            return APIError(.conflict, "the initiative's file has errors; fix them first:\n\(error.description)")
        case let error as HTTPError:
            return APIError(error.status, error.body ?? "\(error.status)")
        default:
            logger.error("request failed: \(error)")
            return APIError(.internalServerError, "internal error; the daemon's log has the details")
        }
    }
}

/// A page of items; `next` is the `after` of the following page (absent on the last).
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var next: String?

    /// A page of items listed by id: `next` is the last one's id when more follow (so the last
    /// page never points at an empty one).
    init(_ items: [Item], hasMore: Bool, id: (Item) -> Int64) {
        self.items = items
        next = hasMore ? items.last.map { String(id($0)) } : nil
    }
}

struct EventView: Encodable, Sendable {
    var id: Int64
    var at: Date
    var kind: String
    var actor: String?
    var step: String?
    var cycle: Int
    var run: Int?
    var details: [String: String]

    init(_ record: EventRecord) {
        id = record.id ?? 0
        at = record.entry.at
        kind = record.entry.kind
        actor = record.entry.actor
        step = record.entry.step
        cycle = record.entry.cycle
        run = record.entry.run
        details = record.entry.details
    }
}

struct FollowUpView: Encodable, Sendable {
    var id: Int64
    var initiative: String
    var touchpoint: String?
    var respondent: String
    var owner: String
    var dueAt: Date
    var closedAt: Date?
    var closedBy: String?
    var note: String?

    init(_ followUp: FollowUp) {
        id = followUp.id
        initiative = followUp.initiative
        touchpoint = followUp.answer.touchpoint
        respondent = followUp.answer.respondent
        owner = followUp.run.owner
        dueAt = followUp.run.dueAt
        closedAt = followUp.closedAt
        closedBy = followUp.closedBy
        note = followUp.note
    }
}

struct ImportView: Encodable, Sendable {
    var round: Int
    var imported: Int
    var unanswered: Int
    var duplicates: Int
    var skipped: Int
    var changed: Int
    var followUpsOpened: Int
    var roundClosed: Bool

    init(_ report: ImportReport) {
        round = report.round
        imported = report.imported
        unanswered = report.unanswered
        duplicates = report.duplicates
        skipped = report.skippedCount
        changed = report.changedCount
        followUpsOpened = report.followUpsOpened
        roundClosed = report.roundClosed
    }
}

/// The query string, read with errors that name the parameter and what it expects.
struct Query {
    let parameters: [String: String]

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    func oneOf(_ name: String, _ allowed: [String]) throws -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        guard allowed.contains(value) else {
            throw APIError(.badRequest, "\(name) must be one of \(allowed.joined(separator: ", ")), not '\(value)'")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        switch value {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError(.badRequest, "\(name) must be true or false, not '\(value)'")
        }
    }

    func integer(_ name: String) throws -> Int64? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        guard let number = Int64(value), number >= 0 else {
            throw APIError(.badRequest, "\(name) must be a whole number ≥ 0, not '\(value)'")
        }
        return number
    }

    func identifier(_ name: String) throws -> String? {
        guard let value = parameters[name], !value.isEmpty else { return nil }
        guard value.utf8.count <= 200 else { throw APIError(.badRequest, "\(name) is too long (at most 200 bytes)") }
        return value
    }

    func limit() throws -> Int {
        guard let value = parameters["limit"], !value.isEmpty else { return 100 }
        guard let number = Int(value), (1...Engine.pageLimit).contains(number) else {
            throw APIError(.badRequest, "limit must be a whole number from 1 to \(Engine.pageLimit), not '\(value)'")
        }
        return number
    }
}

/// The body of a step action: `{"step": …, "note": …, "for": "1d"}`, all optional except
/// `step` for reopen and `for` for snooze. An empty body is an empty object.
struct ActionBody: Decodable, Sendable {
    var step: String?
    var note: String?
    var `for`: String?

    static let maximumSize = 64 * 1024

    static func read(_ request: Request) async throws -> ActionBody {
        let buffer = try await collect(request, upTo: maximumSize)
        guard buffer.readableBytes > 0 else { return ActionBody() }
        return try decode(ActionBody.self, from: buffer)
    }

    init() {}

    func action(_ name: String) throws -> StepAction {
        if let note, note.utf8.count > 4000 { throw APIError(.badRequest, "note is too long (at most 4,000 bytes)") }
        switch name {
        case "complete": return .complete(step: step, note: note)
        case "reopen":
            guard let step, !step.isEmpty else { throw APIError(.badRequest, "reopen needs the step to reopen: {\"step\": \"insight\"}") }
            return .reopen(step: step, note: note)
        case "pause": return .pause(note: note)
        case "resume": return .resume
        case "ack": return .acknowledge
        default:
            guard let text = self.for else { throw APIError(.badRequest, "snooze needs how long: {\"for\": \"1d\"} (4h, 2d, 1w, 3bd…)") }
            guard let duration = WorkDuration(parsing: text) else {
                throw APIError(.badRequest, "for must be a duration like 4h, 2d, 1w or 3bd, not '\(text)'")
            }
            return .snooze(duration)
        }
    }
}

/// `POST …/responses`: `{"round": 2, "skip_invalid": false, "responses": [{"respondent": …,
/// "timestamp": …, "score": …, "touchpoint": …, "comment": …, "emotion": …}]}`. Each answer
/// goes through the same validation as a JSON-lines import (item i is line i + 1).
struct ResponsesBody: Sendable {
    var round: Int?
    var skipInvalid: Bool?
    var items: [Data]

    static let maximumSize = 16 * 1024 * 1024
    static let maximumItems = 100_000

    static func read(_ request: Request) async throws -> ResponsesBody {
        let buffer = try await collect(request, upTo: maximumSize)
        let data = Data(buffer.readableBytesView)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw APIError(.badRequest, "the body is not JSON: expected {\"responses\": [{\"respondent\": …, \"timestamp\": …, \"score\": …}]}")
        }
        guard let body = object as? [String: Any] else {
            throw APIError(.badRequest, "expected a JSON object: {\"responses\": [...]}")
        }
        for key in body.keys where !["round", "skip_invalid", "responses"].contains(key) {
            throw APIError(.badRequest, "unknown field '\(key)' (expected round, skip_invalid, responses)")
        }
        let options = try Options.read(data)
        var result = ResponsesBody(round: options.round, skipInvalid: options.skipInvalid, items: [])
        guard let responses = body["responses"] as? [Any] else {
            throw APIError(.badRequest, "responses must be a list of answers: [{\"respondent\": …, \"timestamp\": …, \"score\": …}]")
        }
        guard responses.count <= maximumItems else {
            throw APIError(.contentTooLarge, "at most \(maximumItems) answers per request; import larger sets with `cxd survey import`")
        }
        var problems: [APIError.Problem] = []
        for (index, item) in responses.enumerated() {
            guard item is [String: Any] else {
                problems.append(APIError.Problem(index: index, field: nil, message: "expected an object with respondent, timestamp and score"))
                continue
            }
            result.items.append(try JSONSerialization.data(withJSONObject: item))
        }
        if !problems.isEmpty {
            throw APIError(.unprocessableContent, "\(problems.count) bad answer(s); nothing was imported", problems: problems)
        }
        return result
    }

    /// `round` and `skip_invalid`, read by the strict decoder: JSONSerialization hands numbers
    /// and booleans alike over as NSNumber on Linux, where `as? Bool` and `is Int` cannot tell
    /// `true` from `1`.
    private struct Options: Decodable {
        var round: Int?
        var skipInvalid: Bool?

        static func read(_ data: Data) throws -> Options {
            let options: Options
            do {
                options = try APIJSON.decoder.decode(Options.self, from: data)
            } catch let error as DecodingError {
                switch error {
                case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context),
                    .keyNotFound(_, let context):
                    if context.codingPath.first?.stringValue == "skipInvalid" { throw APIError(.badRequest, "skip_invalid must be true or false") }
                    throw APIError(.badRequest, "round must be a whole number ≥ 1")
                @unknown default:
                    throw APIError(.badRequest, "round must be a whole number ≥ 1 and skip_invalid true or false")
                }
            }
            if let round = options.round, round < 1 { throw APIError(.badRequest, "round must be a whole number ≥ 1") }
            return options
        }
    }

    /// The answers as JSON lines, for the import's reader.
    func jsonLines() -> String {
        items.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n"
    }
}

/// The request body, at most `limit` bytes (413 beyond).
func collect(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch {
        throw APIError(.contentTooLarge, "the body is larger than \(limit) bytes")
    }
}

func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
    do {
        return try APIJSON.decoder.decode(T.self, from: Data(buffer.readableBytesView))
    } catch let error as DecodingError {
        throw APIError(.badRequest, "the body does not fit: \(describe(error))")
    } catch {
        throw APIError(.badRequest, "the body is not JSON")
    }
}

private func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the body" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
    case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type), found null"
    case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
    case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}
