#if os(Linux)
import Glibc
import CXDaemon
import CXStore
import CXTestSupport
import Foundation
import Synchronization
import Testing

/// One database, one daemon, whatever path leads to the database; and `cxd` commands find the
/// daemon without ever getting in the way of one that is starting. Linux: the lock lives on the
/// database file and the kernel's lock list (`/proc/locks`) is the independent witness here.
@Suite("Daemon lock: one database, one daemon")
struct DaemonLockTests {
    @Test func aSecondDaemonOnTheSameDatabaseIsRefused() throws {
        let folder = TemporaryDirectory("cxd-lock")
        let path = folder.file("cxd.sqlite")
        let lock = try DaemonLock(database: path)
        #expect(DaemonLock.runningDaemon(database: path) == getpid())
        #expect(throws: DaemonLockError.self) { _ = try DaemonLock(database: path) }
        withExtendedLifetime(lock) {}
    }

    let folder = TemporaryDirectory("cxd-lock")

    /// A database file and a symlink to it from another project's folder.
    func databaseAndSymlink() throws -> (database: String, link: String) {
        try folder.write("project-a/state/cxd.sqlite", "")
        try folder.write("project-b/state/README", "")
        let database = folder.file("project-a/state/cxd.sqlite")
        let link = folder.file("project-b/state/cxd.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: database)
        return (database, link)
    }

    @Test func aSecondDaemonReachingTheDatabaseThroughASymlinkIsRefused() throws {
        let (database, link) = try databaseAndSymlink()
        let lock = try DaemonLock(database: database)
        #expect(throws: DaemonLockError.self) { _ = try DaemonLock(database: link) }
        #expect(DaemonLock.runningDaemon(database: link) == getpid())
        withExtendedLifetime(lock) {}
    }

    @Test func deletingThePidOrLockFileDoesNotLetASecondDaemonIn() throws {
        let database = folder.file("cxd.sqlite")
        let lock = try DaemonLock(database: database)
        for sideFile in [database + ".pid", database + ".lock"] { unlink(sideFile) }
        #expect(throws: DaemonLockError.self) { _ = try DaemonLock(database: database) }
        // Commands still find the daemon to wake it: the kernel knows who holds the lock.
        #expect(DaemonLock.runningDaemon(database: database) == getpid())
        withExtendedLifetime(lock) {}
    }

    /// Another process — `flock(1)`, taking the lock a second daemon would take — through the
    /// symlink: refused while the daemon holds the lock, admitted once it let go.
    @Test func anotherProcessCannotLockTheDatabaseUntilTheDaemonLetsGo() async throws {
        let (database, link) = try databaseAndSymlink()
        let tryLock = ["--nonblock", "--exclusive", "--conflict-exit-code", "3", link, "true"]
        do {
            let lock = try DaemonLock(database: database)
            #expect(try await run("/usr/bin/flock", tryLock) == 3)
            withExtendedLifetime(lock) {}
        }
        #expect(try await run("/usr/bin/flock", tryLock) == 0)
    }

    @Test func thePidIsPublishedWhenTheLockIsTakenAndWithdrawnWhenItIsReleased() throws {
        let database = folder.file("cxd.sqlite")
        do {
            let lock = try DaemonLock(database: database)
            #expect(try folder.read("cxd.sqlite.pid") == "\(getpid())\n")
            #expect(DaemonLock.runningDaemon(database: database) == getpid())
            withExtendedLifetime(lock) {}
        }
        #expect(!FileManager.default.fileExists(atPath: database + ".pid"))
        #expect(DaemonLock.runningDaemon(database: database) == nil)
    }

    /// After a crash the pid file stays behind, and the pid in it may by now belong to another
    /// process (here pid 1, always alive): commands must not signal it.
    /// `/proc/locks` reports a size of 0; reading one page of it missed the daemon on a machine
    /// holding many locks (a full test run, a server with many SQLite databases), and commands
    /// then never woke it. Hundreds of other locks on both sides of the daemon's.
    @Test func theDaemonIsFoundAmongHundredsOfOtherLocks() throws {
        func lockMany(_ prefix: String) throws -> [Int32] {
            try (0..<300).map { index in
                try folder.write("other/\(prefix)-\(index)", "")
                let descriptor = open(folder.file("other/\(prefix)-\(index)"), O_RDONLY)
                #expect(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0)
                return descriptor
            }
        }
        let before = try lockMany("before")
        let database = folder.file("cxd.sqlite")
        let lock = try DaemonLock(database: database)
        let after = try lockMany("after")
        defer { for descriptor in before + after { close(descriptor) } }
        let listed = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/locks")).readToEnd() ?? Data()
        #expect(listed.count > 4 * 4096, "the kernel's list should be several pages long here")
        #expect(DaemonLock.runningDaemon(database: database) == getpid())
        withExtendedLifetime(lock) {}
    }

    @Test func aStalePidFileNamesNoDaemon() throws {
        let database = folder.file("cxd.sqlite")
        try folder.write("cxd.sqlite", "")
        try folder.write("cxd.sqlite.pid", "1\n")
        try folder.write("cxd.sqlite.lock", "1\n")
        #expect(DaemonLock.runningDaemon(database: database) == nil)
        #expect(!DaemonLock.wakeDaemon(database: database))
    }

    /// Each SQLite connection in WAL mode keeps a shared record (`fcntl`) lock on the database,
    /// and closing any descriptor of the file would drop it for the whole process. Taking,
    /// refusing and releasing the daemon lock must leave those locks exactly as they were.
    @Test func takingAndReleasingTheLockLeavesSQLiteLocksOnTheDatabaseInPlace() throws {
        let database = folder.file("cxd.sqlite")
        let store = try Store(path: database)
        #expect(try store.journalMode() == "wal")
        let before = recordLocks(held: getpid(), on: database)
        #expect(!before.isEmpty, "an open WAL connection holds a shared lock on the database")
        for _ in 0..<3 {
            let lock = try DaemonLock(database: database)
            #expect(throws: DaemonLockError.self) { _ = try DaemonLock(database: database) }
            withExtendedLifetime(lock) {}
        }
        #expect(recordLocks(held: getpid(), on: database) == before)
        // And this process's store still writes while the daemon lock is held.
        let lock = try DaemonLock(database: database)
        try store.executeForTesting("CREATE TABLE probe(x)")
        try store.executeForTesting("INSERT INTO probe VALUES (1)")
        withExtendedLifetime(lock) {}
    }

    /// SQLite in another process reads and writes the database while the daemon holds the lock:
    /// `flock` and SQLite's `fcntl` locks are independent on Linux.
    @Test func sqliteInAnotherProcessIsNotBlockedByTheLock() async throws {
        let database = folder.file("cxd.sqlite")
        let store = try Store(path: database)
        let lock = try DaemonLock(database: database)
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], timeout=0)
            db.execute("CREATE TABLE probe(x)")
            db.execute("INSERT INTO probe VALUES (1)")
            db.commit()
            assert db.execute("SELECT count(*) FROM probe").fetchone()[0] == 1
            """
        #expect(try await run("/usr/bin/env", ["python3", "-c", script, database]) == 0)
        withExtendedLifetime((store, lock)) {}
    }

    /// A daemon starting and stopping over and over while another thread probes for it the way
    /// every `cxd` command does: the daemon is never refused because of a probe, and a probe made
    /// while the kernel shows the lock held throughout always finds the daemon's pid.
    @Test(arguments: [3_000])
    func probingCommandsNeverKeepADaemonFromStartingAndAlwaysFindIt(cycles: Int) async throws {
        let database = folder.file("cxd.sqlite")
        try folder.write("cxd.sqlite", "")
        let probe = Probe(database: database)
        let thread = Thread { probe.run() }
        thread.start()
        while probe.probes.load(ordering: .sequentiallyConsistent) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        var refusals: [String] = []
        for _ in 0..<cycles {
            do {
                let lock = try DaemonLock(database: database)
                withExtendedLifetime(lock) {}
            } catch {
                refusals.append("\(error)")
            }
            probe.releases.add(1, ordering: .sequentiallyConsistent)
        }
        probe.stop.store(true, ordering: .sequentiallyConsistent)
        while !probe.finished.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(1)) }
        #expect(refusals.isEmpty, "refused \(refusals.count) of \(cycles) times: \(refusals.first ?? "")")
        #expect(probe.probes.load(ordering: .sequentiallyConsistent) > 100)
        #expect(probe.missed.load(ordering: .sequentiallyConsistent) == 0)
    }

    /// Runs `executable arguments…` and returns its exit status, without blocking a thread.
    func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
}

/// A `cxd` command probing for the daemon in a loop. `missed` counts probes that found no pid
/// although the kernel showed this process holding an exclusive lock on the database (or on its
/// lock file) before and after the probe, with no release in between.
private final class Probe: Sendable {
    let database: String
    let releases = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)
    let probes = Atomic<Int>(0)
    let missed = Atomic<Int>(0)

    init(database: String) { self.database = database }

    func run() {
        while !stop.load(ordering: .sequentiallyConsistent) {
            let releasesBefore = releases.load(ordering: .sequentiallyConsistent)
            let heldBefore = heldByThisProcess()
            let pid = DaemonLock.runningDaemon(database: database)
            let heldAfter = heldByThisProcess()
            let releasesAfter = releases.load(ordering: .sequentiallyConsistent)
            probes.add(1, ordering: .sequentiallyConsistent)
            if heldBefore && heldAfter && releasesBefore == releasesAfter && pid != getpid() {
                missed.add(1, ordering: .sequentiallyConsistent)
            }
        }
        finished.store(true, ordering: .sequentiallyConsistent)
    }

    func heldByThisProcess() -> Bool {
        [database, database + ".lock"].contains { !kernelLocks(kind: "FLOCK", access: "WRITE", held: getpid(), on: $0).isEmpty }
    }
}

/// The record (`fcntl`) locks `pid` holds on the file at `path`, as `/proc/locks` lists them.
func recordLocks(held pid: Int32, on path: String) -> [String] {
    kernelLocks(kind: "POSIX", access: nil, held: pid, on: path)
}

/// Lines of `/proc/locks` (kind, access and range; the lock number dropped) for locks of `kind`
/// that `pid` holds on the file at `path`.
func kernelLocks(kind: String, access: String?, held pid: Int32, on path: String) -> [String] {
    var info = stat()
    // Read to the end: a /proc file reports a size of 0 and `FileManager.contents` stops after a page.
    guard stat(path, &info) == 0,
          let list = try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/locks")).readToEnd()
    else { return [] }
    return String(decoding: list, as: UTF8.self).split(separator: "\n").compactMap { line in
        let fields = line.split(separator: " ")
        guard fields.count >= 8, fields[1] == kind, access.map({ fields[3] == $0 }) ?? true,
            fields[4] == "\(pid)", fields[5].split(separator: ":").last == "\(info.st_ino)"
        else { return nil }
        return fields.dropFirst().joined(separator: " ")
    }
}
#endif
