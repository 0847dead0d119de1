import CXCore
import Foundation
import Testing

/// The store keeps every initiative's document as plain JSON: each kind must come back as
/// itself (a boolean never as a number, a number never as a boolean or a string).
@Suite("Document as plain JSON")
struct DocumentCodingTests {
    @Test func everyKindRoundTrips() throws {
        let document = Document.map([
            "flag": .bool(true), "off": .bool(false), "one": .number(1), "zero": .number(0), "half": .number(0.5),
            "text": .string("true"), "numeric text": .string("12"), "nothing": .null,
            "list": .list([.bool(false), .number(2), .string("x"), .null, .map([:]), .list([])]),
            "nested": .map(["goal": .map(["target": .number(35), "metric": .string("NPS")])]),
        ])
        let data = try JSONEncoder().encode(document)
        #expect(try JSONDecoder().decode(Document.self, from: data) == document)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"flag\":true") && text.contains("\"one\":1") && text.contains("\"nothing\":null"))
    }
}
