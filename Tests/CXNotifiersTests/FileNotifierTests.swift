#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXConfig
import CXCore
@testable import CXNotifiers
import CXStore
import CXTestSupport
import Foundation
import Synchronization
import Testing

@Suite("file notifier: whole lines, one fsync per batch")
struct FileNotifierTests {
    let folder = TemporaryDirectory("cxd-file")
    var path: String { folder.file("state/notifications.jsonl") }

    func message(_ n: Int) throws -> OutboxMessage {
        try WebhookFixtures.message(WebhookFixtures.overdue(id: "onboarding/1/1/kickoff/overdue/\(n)@log"), notifier: "log")
    }

    func lines() throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("a write(2) that writes only part of a line is continued until the whole line is there")
    func partialWritesAreCompleted() async throws {
        let notifier = FileNotifier(path: path, calls: FileTestCalls.writingAtMost(7).calls)
        let message = try message(1)

        #expect(await notifier.deliver(message) == .delivered)

        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == message.payload + [0x0A])
    }

    @Test("a write that fails part-way leaves no partial line, and the retry appends the line exactly once")
    func failedWriteIsCutBack() async throws {
        let first = try message(1), second = try message(2)
        #expect(await FileNotifier(path: path).deliver(first) == .delivered)
        let failing = FileTestCalls.failingAfter(bytes: 10, errno: ENOSPC)

        let outcome = await FileNotifier(path: path, calls: failing.calls).deliver(second)

        guard case .retry(let reason, nil) = outcome else { Issue.record("expected a retry, got \(outcome)"); return }
        #expect(reason.contains(String(cString: strerror(ENOSPC))))
        #expect(failing.writtenBytes == 10)  // part of the line did reach the file before the failure
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == first.payload + [0x0A])

        // The dispatcher retries: the line appears once, whole.
        #expect(await FileNotifier(path: path).deliver(second) == .delivered)
        let written = try lines()
        #expect(written.count == 3 && written[2].isEmpty)
        #expect(written.prefix(2).map { Data($0.utf8) } == [first.payload, second.payload])
    }

    @Test("a batch is appended with one fsync, in order")
    func oneFsyncPerBatch() async throws {
        let counting = FileTestCalls.counting()
        let notifier = FileNotifier(path: path, calls: counting.calls)
        let batch = try (1...5).map(message)

        #expect(await notifier.deliver(batch: batch) == Array(repeating: .delivered, count: 5))
        #expect(counting.fsyncs == 1)
        #expect(await notifier.deliver(batch: Array(batch.prefix(2))) == [.delivered, .delivered])
        #expect(counting.fsyncs == 2)

        #expect(try lines().dropLast().map { Data($0.utf8) } == (batch + batch.prefix(2)).map(\.payload))
    }

    @Test("the file kept open is opened again after it was rotated or removed", arguments: ["rotate", "remove"])
    func reopensAfterRotation(_ how: String) async throws {
        let notifier = FileNotifier(path: path, calls: FileCalls.system)
        #expect(await notifier.deliver(try message(1)) == .delivered)
        if how == "rotate" {
            try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        } else {
            try FileManager.default.removeItem(atPath: path)
        }

        #expect(await notifier.deliver(try message(2)) == .delivered)

        #expect(try lines().dropLast().map { Data($0.utf8) } == [try message(2).payload])
        if how == "rotate" {
            #expect(try Data(contentsOf: URL(fileURLWithPath: path + ".1")) == (try message(1)).payload + [0x0A])
        }
    }

    @Test("concurrent batches from several notifiers on the same file never interleave")
    func concurrentBatchesStayWhole() async throws {
        let batches = try (0..<4).map { group in try (0..<25).map { try message(group * 100 + $0) } }
        await withTaskGroup(of: [DeliveryOutcome].self) { tasks in
            for batch in batches {
                // A notifier value each, as after configuration reloads: the same file underneath.
                let notifier = FileNotifier(path: path)
                tasks.addTask { await notifier.deliver(batch: batch) }
            }
            for await outcomes in tasks { #expect(outcomes.allSatisfy { $0 == .delivered }) }
        }
        let written = try lines().dropLast()
        #expect(written.count == 100)
        #expect(Set(written.map { Data($0.utf8) }) == Set(batches.joined().map(\.payload)))
    }
}

/// System calls for the file notifier that misbehave the way the kernel may.
final class FileTestCalls: Sendable {
    private struct State {
        var fsyncs = 0
        var written = 0
    }

    private let state = Mutex(State())
    private let limit: Int
    private let failAfter: (bytes: Int, errno: Int32)?

    private init(limit: Int = .max, failAfter: (bytes: Int, errno: Int32)? = nil) {
        self.limit = limit
        self.failAfter = failAfter
    }

    /// Writes at most `limit` bytes per call (a short write), never fails.
    static func writingAtMost(_ limit: Int) -> FileTestCalls { FileTestCalls(limit: limit) }

    /// Writes `bytes` bytes, then fails every call with `errno`.
    static func failingAfter(bytes: Int, errno: Int32) -> FileTestCalls {
        FileTestCalls(limit: bytes, failAfter: (bytes, errno))
    }

    /// The real calls, counting the fsyncs.
    static func counting() -> FileTestCalls { FileTestCalls() }

    var fsyncs: Int { state.withLock { $0.fsyncs } }
    var writtenBytes: Int { state.withLock { $0.written } }

    var calls: FileCalls {
        FileCalls(
            write: { descriptor, bytes in
                let allowed = self.state.withLock { state -> Int in
                    if let failAfter = self.failAfter, state.written >= failAfter.bytes { return -1 }
                    return min(bytes.count, self.limit)
                }
                guard allowed >= 0 else {
                    errno = self.failAfter?.errno ?? EIO
                    return -1
                }
                let count = FileCalls.system.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[..<allowed]))
                if count > 0 { self.state.withLock { $0.written += count } }
                return count
            },
            fsync: { descriptor in
                self.state.withLock { $0.fsyncs += 1 }
                return FileCalls.system.fsync(descriptor)
            })
    }
}
