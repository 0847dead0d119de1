@testable import CXDaemon
import CXTestSupport
import Foundation
import Testing

/// sd_notify from cxd's side: the datagram it writes and where it goes. The receiving end is a
/// real unix datagram socket, bound as systemd binds its own.
@Suite("The service manager's notify socket")
struct NotifySocketTests {
    @Test(arguments: NotifyReceiver.Kind.allCases)
    func aNotificationArrivesAsOneDatagram(at kind: NotifyReceiver.Kind) async throws {
        let systemd = try NotifyReceiver(kind)
        let socket = try #require(NotifySocket(environment: ["NOTIFY_SOCKET": systemd.address]))
        #expect(socket.send(.ready, .status("watching 2 initiatives")))
        let received = await systemd.next(timeout: 10) { _ in true }
        #expect(received?.message == "READY=1\nSTATUS=watching 2 initiatives\n")
    }

    @Test func reloadingCarriesTheMonotonicInstantItBegan() {
        let before = NotifyReceiver.monotonicMicroseconds()
        let message = NotifySocket.message([NotifySocket.reloadingNow()])
        let after = NotifyReceiver.monotonicMicroseconds()
        let fields = NotifyReceiver.fields(message)
        #expect(fields.keys.sorted() == ["MONOTONIC_USEC", "RELOADING"])
        #expect(fields["RELOADING"] == "1")
        let stamp = UInt64(fields["MONOTONIC_USEC"] ?? "") ?? 0
        #expect(before <= stamp && stamp <= after)
    }

    @Test func aStatusOfSeveralLinesStaysOneField() {
        let message = NotifySocket.message([.status("reload refused:\nfile.yaml:3:1: bad\r\nmore"), .stopping])
        #expect(message == "STATUS=reload refused: file.yaml:3:1: bad more\nSTOPPING=1\n")
    }

    @Test(arguments: [nil, "", "@", "relative/notify", "vsock:2:1234", "/" + String(repeating: "x", count: 200)])
    func anAddressThatIsNoUnixSocketsMeansNoServiceManager(_ address: String?) {
        #expect(NotifySocket(environment: address.map { ["NOTIFY_SOCKET": $0] } ?? [:]) == nil)
    }

    @Test func sendingToASocketNobodyListensOnFailsQuietly() {
        let folder = TemporaryDirectory()
        let socket = NotifySocket(address: folder.file("gone"))
        #expect(socket?.send(.ready) == false)
    }

    @Test func theStatusLineSaysWhatTheDaemonWatchesWhenItWakesAndWhatWentWrong() {
        var status = ServiceStatus(initiatives: 1)
        #expect(status.text == "watching 1 initiative; first evaluation under way")
        status.evaluated = true
        #expect(status.text == "watching 1 initiative; nothing scheduled")
        status.initiatives = 3
        status.nextWake = instant("2026-11-25T01:30:00Z")
        #expect(status.text == "watching 3 initiatives; next wake 2026-11-25T01:30:00Z")
        status.failedEvaluation = "database is locked"
        status.refusedReload = "config/initiatives/a.yaml:3:1: unknown key 'bogus'"
        #expect(status.text == "watching 3 initiatives; next wake 2026-11-25T01:30:00Z; evaluation failing: database is locked; "
            + "last reload refused, running configuration kept: config/initiatives/a.yaml:3:1: unknown key 'bogus'")
    }

    @Test func anErrorIsSummedUpByItsFirstLineCutTo200Characters() {
        struct Failure: Error, CustomStringConvertible { var description: String }
        #expect(ServiceStatus.summary(of: Failure(description: "first\nsecond")) == "first")
        let long = ServiceStatus.summary(of: Failure(description: String(repeating: "x", count: 300)))
        #expect(long.count == 200 && long.hasSuffix("…"))
    }
}
