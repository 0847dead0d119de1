@testable import CXConfig
import Testing

@Suite struct TimeZoneNameTests {
    @Test("a fixed UTC offset is refused as a zone", arguments: ["UTC+1", "GMT+3", "gmt-03:30", "UTC +7", "+07:00", "UT-5", "UTC\u{2212}2"])
    func fixedOffsetsAreRecognised(_ name: String) {
        #expect(MainConfigParser.isFixedOffset(name))
    }

    @Test("IANA names stay accepted, IANA's own fixed zones included", arguments: [
        "UTC", "GMT", "Etc/GMT-1", "Etc/UTC", "Asia/Ho_Chi_Minh", "America/Argentina/Buenos_Aires", "Europe/London",
    ])
    func ianaNamesAreNotOffsets(_ name: String) {
        #expect(!MainConfigParser.isFixedOffset(name))
    }
}
