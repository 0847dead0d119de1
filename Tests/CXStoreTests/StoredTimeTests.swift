import Foundation
import GRDB
import Testing

@testable import CXStore

/// The store writes dates itself (`StoredTime`) but compares them in SQL with, and reads them
/// back through, GRDB's own format: the two must agree byte for byte.
@Suite("Stored times")
struct StoredTimeTests {
    /// A fixed-seed generator (SplitMix64), so that a failure names an instant that fails again.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let edges: [TimeInterval] = [
        0, -0.0005, -0.001, 0.0005, 0.9995, 0.9999999, 59.999, -1, -86_400, -86_400.0001,
        951_782_400,  // 2000-02-29
        951_868_799.9999,  // the last instant of 2000-02-29
        4_107_542_400,  // 2100-03-01 (2100 is not a leap year)
        -2_208_988_800,  // 1900-01-01
        253_402_300_799.999,  // 9999-12-31 23:59:59.999
        1_796_083_200.123,  // 2026-12-01T02:00:00.123Z
    ]

    @Test func matchesGRDBsFormatAtTheEdges() {
        for seconds in Self.edges {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredTime.value(date) == date.databaseValue, "at \(seconds)")
        }
    }

    @Test func matchesGRDBsFormatOverTwoCenturies() {
        var random = SplitMix(state: 2026)
        for _ in 0..<20_000 {
            // 1900 … 2100, with sub-millisecond parts.
            let seconds = Double.random(in: -2_208_988_800...4_102_444_800, using: &random)
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredTime.value(date) == date.databaseValue, "at \(seconds)")
        }
    }

    @Test func datesOutsideItsRangeAreLeftToGRDB() {
        for seconds in [-2_208_988_800.001, -62_135_596_800.0, 253_402_300_800.0, 300_000_000_000.0] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredTime.value(date) == date.databaseValue, "at \(seconds)")
        }
    }

    @Test func readsBackAsTheSameMillisecond() throws {
        let database = try DatabaseQueue()
        var random = SplitMix(state: 9)
        for _ in 0..<500 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &random))
            let back = try database.read { db in try Date.fetchOne(db, sql: "SELECT ?", arguments: [StoredTime.value(date)]) }
            let expected = (date.timeIntervalSince1970 * 1000).rounded() / 1000
            #expect(back.map { abs($0.timeIntervalSince1970 - expected) < 0.000_001 } == true, "at \(date.timeIntervalSince1970)")
        }
    }
}
