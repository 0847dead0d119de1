#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Subprocess
import Synchronization
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One run of an exec plugin through swift-subprocess: the plugin starts in a process group
/// of its own with exactly `environment`, reads `input` on its standard input, and its
/// standard error is kept (the end of it). Whatever happens, nothing of the group outlives
/// `run`: a plugin still running after `timeout`, or when the calling task is cancelled, gets
/// SIGTERM (its whole group), then SIGKILL `grace` later; whatever the plugin left running
/// in its group once it has exited is killed.
///
/// Standard input is written by swift-subprocess; a plugin that exits without reading it
/// makes the write fail with EPIPE, which is ignored here. The host process must ignore
/// SIGPIPE (the `cxd` executable does so at start), otherwise that write would kill it.
struct PluginProcess: Sendable {
    /// How a run ended.
    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Still running after the timeout: the group was terminated.
        case timedOut
        /// The calling task was cancelled (cxd is stopping): the group was terminated.
        case cancelled
        /// The plugin could not be started; the reason is safe to show.
        case notStarted(String)
    }

    struct Result: Sendable, Equatable {
        var ending: Ending
        /// The end of the plugin's standard error (at most `stderrLimit` bytes).
        var stderr: [UInt8]
    }

    /// The most of a plugin's standard error that is kept (its end); the rest is read and dropped.
    static let stderrLimit = 8 * 1024

    var path: String
    var arguments: [String]
    var environment: [String: String]
    var timeout: Duration
    /// Between SIGTERM and SIGKILL.
    var grace: Duration = .seconds(2)

    /// Runs the plugin once; never throws: every problem is an `Ending`.
    func run(input: [UInt8]) async -> Result {
        guard !Task.isCancelled else { return Result(ending: .cancelled, stderr: []) }
        return await withTaskGroup(of: Event.self) { group in
            group.addTask { .finished(await self.spawn(input: input)) }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            // The first event decides; the group then waits for the process task, which
            // returns only once the plugin is gone (cancelling it runs the teardown).
            var decided: Ending?
            var finished: Result?
            while let event = await group.next() {
                switch event {
                case .finished(let result):
                    finished = result
                    if decided == nil { decided = result.ending }
                case .timedOut:
                    if decided == nil { decided = .timedOut }
                case .cancelled:
                    // The timer ends early only when the caller was cancelled or the plugin
                    // already finished (then `decided` is set).
                    if decided == nil { decided = .cancelled }
                }
                group.cancelAll()
            }
            return Result(ending: decided ?? .cancelled, stderr: finished?.stderr ?? [])
        }
    }

    private enum Event: Sendable {
        case finished(Result)
        case timedOut
        case cancelled
    }

    private func spawn(input: [UInt8]) async -> Result {
        var options = PlatformOptions()
        options.processGroupID = 0  // a group of its own, led by the plugin
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)]
        let configuration = Subprocess.Configuration(
            executable: .path(FilePath(path)),
            arguments: Arguments(arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            platformOptions: options)
        // The group's id (the plugin's pid), to end whatever the plugin leaves behind in it.
        let group = Mutex<pid_t?>(nil)
        defer {
            // The plugin is reaped by now; its group id cannot be reused while the group has
            // members, so this reaches exactly what is left of it (a background `sleep &`
            // holding stderr, a child that ignored SIGTERM).
            if let leader = group.withLock({ $0 }) { _ = kill(-leader, SIGKILL) }
        }
        do {
            let result = try await Subprocess.run(
                configuration, input: .inputWriter, output: .discarded, error: .sequence
            ) { execution in
                group.withLock { $0 = execution.processIdentifier.value }
                // Read stderr while writing stdin: a plugin may fill one before reading the other.
                async let stderr = Self.tail(of: execution.standardError)
                let writer = execution.standardInputWriter
                _ = try? await writer.write(input)
                try? await writer.finish()
                return await stderr
            }
            switch result.terminationStatus {
            case .exited(let code): return Result(ending: .exited(code), stderr: result.closureResult)
            case .signaled(let signal): return Result(ending: .signalled(signal), stderr: result.closureResult)
            }
        } catch {
            return Result(ending: .notStarted("\(error)"), stderr: [])
        }
    }

    /// The last `stderrLimit` bytes of a stream, read to its end (or until the plugin exits:
    /// a child holding the pipe open does not keep the read waiting).
    private static func tail(of stream: SubprocessOutputSequence) async -> [UInt8] {
        var kept: [UInt8] = []
        do {
            for try await buffer in stream {
                buffer.withUnsafeBytes { kept.append(contentsOf: $0) }
                if kept.count > 2 * stderrLimit { kept.removeFirst(kept.count - stderrLimit) }
            }
        } catch {
            // What was read so far is all there is.
        }
        // Start at a character boundary: drop UTF-8 continuation bytes cut off from their lead.
        return Array(kept.suffix(stderrLimit).drop { $0 & 0xC0 == 0x80 })
    }
}
