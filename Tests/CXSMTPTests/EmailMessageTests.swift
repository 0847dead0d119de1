@testable import CXSMTP
import Foundation
import Testing

private let vietnameseSubject = "Quá hạn: Xác định mục tiêu và phạm vi — Tăng mức độ hài lòng của khách hàng tại điểm bán"

private func message(
    subject: String = "Hello", fromName: String? = "cxd", to: [EmailAddress]? = nil, html: String? = "<p>Hi</p>",
    extraHeaders: [(name: String, value: String)] = []
) throws -> EmailMessage {
    EmailMessage(
        from: try EmailAddress("cxd@example.com", name: fromName), to: try to ?? [EmailAddress("owner@example.com", name: "Owner")],
        subject: subject, text: "Hello\nworld", html: html, date: Date(timeIntervalSince1970: 1_795_656_259),
        messageID: MessageID(key: "step.overdue:cx-1:s1", domain: "example.com"), extraHeaders: extraHeaders)
}

private func rendered(_ message: EmailMessage) throws -> String {
    String(decoding: try message.bytes(boundary: "=_cxd_test"), as: UTF8.self)
}

/// The header block, unfolded: one entry per header.
private func headers(_ text: String) -> [String] {
    let block = text.components(separatedBy: "\r\n\r\n")[0]
    return block.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
}

/// Decodes `=?UTF-8?B?…?=` words the way a mail reader does (whitespace between words dropped).
private func decodeEncodedWords(_ value: String) -> String {
    value.split(separator: " ").map { word -> String in
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return String(word) }
        let payload = word.dropFirst(10).dropLast(2)
        return String(decoding: Data(base64Encoded: String(payload)) ?? Data(), as: UTF8.self)
    }.joined()
}

@Suite struct EmailMessageTests {
    @Test func vietnameseSubjectBecomesFoldedEncodedWordsThatDecodeExactly() throws {
        let text = try rendered(try message(subject: vietnameseSubject))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        let subject = try #require(headers(text).first { $0.hasPrefix("Subject: ") })
        let words = subject.dropFirst(9).split(separator: " ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") })
        #expect(decodeEncodedWords(String(subject.dropFirst(9))) == vietnameseSubject)
    }

    @Test func encodedWordsNeverSplitACharacter() {
        let text = String(repeating: "ệ", count: 40) + String(repeating: "👩‍👩‍👧‍👦", count: 5)
        for word in HeaderText.encodedWords(text) {
            let payload = word.dropFirst(10).dropLast(2)
            let bytes = Data(base64Encoded: String(payload)) ?? Data()
            #expect(String(data: bytes, encoding: .utf8) != nil)
            #expect(word.count <= 75)
        }
    }

    @Test func nonASCIIDisplayNameIsEncodedAndASCIIOneIsQuoted() throws {
        let to = [try EmailAddress("lan@example.com", name: "Nguyễn Thị Lan"), try EmailAddress("bob@example.com", name: "Bob \"B\" Smith")]
        let all = headers(try rendered(try message(to: to)))
        let toHeader = try #require(all.first { $0.hasPrefix("To: ") })
        #expect(toHeader.contains("=?UTF-8?B?"))
        #expect(toHeader.contains("<lan@example.com>,"))
        #expect(toHeader.contains("\"Bob \\\"B\\\" Smith\" <bob@example.com>"))
    }

    @Test func longASCIISubjectIsFoldedAtSpaces() throws {
        let subject = Array(repeating: "reminder", count: 30).joined(separator: " ")
        let text = try rendered(try message(subject: subject))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(headers(text).contains("Subject: " + subject))
    }

    @Test(arguments: ["Hi\r\nBcc: evil@example.com", "Hi\nBcc: evil@example.com", "Hi\rBcc: evil@example.com"])
    func lineBreaksInTheSubjectCannotInjectHeaders(_ subject: String) throws {
        let all = headers(try rendered(try message(subject: subject)))
        #expect(!all.contains { $0.hasPrefix("Bcc") })
        #expect(all.contains("Subject: Hi Bcc: evil@example.com"))
    }

    @Test func lineBreaksInADisplayNameCannotInjectHeaders() throws {
        let all = headers(try rendered(try message(fromName: "cxd\r\nBcc: evil@example.com")))
        #expect(!all.contains { $0.hasPrefix("Bcc") })
    }

    @Test(arguments: ["a@b\r\nBcc: x@y", "no-at-sign", "two@@example.com", "sp ace@example.com", "<a@example.com>", "a@", "@b", "ví@example.com"])
    func invalidAddressesAreRejected(_ address: String) {
        #expect(throws: EmailMessageError.self) { try EmailAddress(address) }
    }

    @Test func extraHeaderValuesLoseLineBreaksAndBadNamesAreRejected() throws {
        let all = headers(try rendered(try message(extraHeaders: [("X-Kind", "a\r\nBcc: evil@example.com")])))
        #expect(all.contains("X-Kind: a Bcc: evil@example.com"))
        #expect(throws: EmailMessageError.self) { try rendered(try message(extraHeaders: [("X-Bad\r\nBcc", "v")])) }
        #expect(throws: EmailMessageError.self) { try rendered(try message(extraHeaders: [("Bcc", "evil@example.com")])) }
    }

    @Test func messageIsMultipartAlternativeWithQuotedPrintableUTF8Parts() throws {
        let text = try rendered(try message())
        #expect(text.contains("MIME-Version: 1.0\r\n"))
        #expect(headers(text).contains("Content-Type: multipart/alternative; boundary=\"=_cxd_test\""))
        #expect(text.contains("--=_cxd_test\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello\r\nworld\r\n"))
        #expect(text.contains("Content-Type: text/html; charset=utf-8"))
        #expect(text.hasSuffix("--=_cxd_test--\r\n"))
        #expect(text.contains("Date: Thu, 26 Nov 2026 01:24:19 +0000\r\n"))
    }

    @Test func noLineOfAVietnameseMessageIsLongerThan78Characters() throws {
        var email = try message(subject: vietnameseSubject, fromName: "Trợ lý CX — Chuỗi cửa hàng")
        email.text = String(repeating: "Tăng mức độ hài lòng của khách hàng tại điểm bán. ", count: 30)
        email.html = "<p>" + email.text + "</p>"
        let text = String(decoding: try email.bytes(), as: UTF8.self)
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(text.utf8.allSatisfy { $0 < 128 })
    }

    @Test func textOnlyMessageHasASinglePart() throws {
        let text = try rendered(try message(html: nil))
        #expect(!text.contains("multipart"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8"))
    }

    @Test func quotedPrintableKeepsLinesShortAndEscapesWhatItMust() {
        let encoded = QuotedPrintable.encode(String(repeating: "Tăng mức độ hài lòng = ", count: 20) + "\ntrailing ")
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.last == "trailing=20")
        #expect(!encoded.contains("= "))
        #expect(encoded.utf8.allSatisfy { $0 < 128 })
    }

    @Test func messageIDIsStableForAKeyAndValid() {
        let first = MessageID(key: "step.overdue:cx-1:s1:1", domain: "Example.COM")
        #expect(first == MessageID(key: "step.overdue:cx-1:s1:1", domain: "example.com"))
        #expect(first != MessageID(key: "step.overdue:cx-1:s1:2", domain: "example.com"))
        let value = first.value
        #expect(value.hasPrefix("<") && value.hasSuffix("@example.com>"))
        let left = value.dropFirst().prefix { $0 != "@" }
        #expect(left.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
        #expect(!left.hasPrefix(".") && !left.contains(".."))
        let long = MessageID(key: String(repeating: "ü<>\r\n", count: 100), domain: "bad domain\r\n")
        #expect(long.value.count < 200)
        #expect(!long.value.contains("\r") && !long.value.contains(" "))
    }

    @Test func envelopeListsToAndCcOnce() throws {
        var email = try message()
        email.cc = [try EmailAddress("manager@example.com"), try EmailAddress("OWNER@example.com")]
        let envelope = try email.envelope()
        #expect(envelope.sender == "cxd@example.com")
        #expect(envelope.recipients == ["owner@example.com", "manager@example.com"])
    }
}
