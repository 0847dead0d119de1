import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON as the API writes it: snake_case keys, ISO 8601 times, sorted keys (stable output).
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Response {
    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An API failure: the status and a message that says what was wrong and what is expected,
/// as `{"error": {"status": 422, "message": "…", "problems": […]}}`.
struct APIError: Error, HTTPResponseError {
    struct Problem: Encodable, Sendable {
        /// The position of the bad item in the request's list (0-based).
        var index: Int?
        var field: String?
        var message: String
    }

    var status: HTTPResponse.Status
    var message: String
    var problems: [Problem] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, problems: [Problem] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.problems = problems
        self.headers = headers
    }

    private struct Body: Encodable {
        struct Inner: Encodable {
            var status: Int
            var message: String
            var problems: [Problem]?
        }
        var error: Inner
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIJSON.response(
            Body(error: .init(status: status.code, message: message, problems: problems.isEmpty ? nil : problems)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
