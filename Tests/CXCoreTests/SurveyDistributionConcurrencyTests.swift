#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXCore
import Foundation
import Testing

/// Survey statistics are computed from concurrent code (the engine evaluates rounds on
/// different tasks), so the distributions must not touch shared state.
@Suite("Survey statistics: distributions are safe to compute concurrently")
struct SurveyDistributionConcurrencyTests {
    /// Arguments covering both branches of the incomplete beta (direct and reflected continued
    /// fraction), small and large shapes, and the t-distribution shapes (ν/2, ½).
    static let arguments: [(x: Double, a: Double, b: Double)] = [0.01, 0.2, 0.5, 0.8, 0.999].flatMap { x in
        [(0.35, 0.5), (1, 1), (2.5, 4), (15, 0.5), (60, 90), (500, 0.5)].map { (x, $0.0, $0.1) }
    }

    static func sequential() -> [Double] {
        arguments.map { Distributions.regularizedIncompleteBeta($0.x, a: $0.a, b: $0.b) }
    }

    /// Plain C `lgamma` stores the sign of Γ in the process-wide `signgam` on every call, a data
    /// race between threads; the reentrant `lgamma_r` leaves it alone. The global is reached
    /// through the dynamic linker (Swift 6 refuses a direct reference to a mutable C global).
    @Test func theIncompleteBetaLeavesTheCLibrarysSigngamAlone() throws {
        let symbol = try #require(dlsym(dlopen(nil, RTLD_NOW), "signgam"), "the C library exports signgam")
        let signgam = symbol.assumingMemoryBound(to: Int32.self)
        signgam.pointee = 0
        _ = Self.sequential()
        _ = Distributions.t95(df: 17.9)
        #expect(signgam.pointee == 0, "lgamma wrote signgam = \(signgam.pointee)")
    }

    /// Many tasks at once compute exactly (bit for bit) what one task computes alone.
    @Test(arguments: [64])
    func manyTasksAtOnceComputeWhatOneTaskComputesAlone(tasks: Int) async {
        let expected = Self.sequential()
        let results = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<tasks { group.addTask { Self.sequential() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == tasks)
        #expect(results.allSatisfy { $0 == expected })
    }
}
