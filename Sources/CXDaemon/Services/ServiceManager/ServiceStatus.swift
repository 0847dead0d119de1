import CXCore
import Foundation

/// The line `systemctl status cxd` shows for a running daemon: how many initiatives it watches,
/// when it next wakes, and what went wrong lately — "watching 3 initiatives; next wake
/// 2026-11-25T01:30:00Z; last reload refused, running configuration kept: …".
struct ServiceStatus: Equatable {
    var initiatives = 0
    /// False until the first evaluation since start returned.
    var evaluated = false
    var nextWake: Date?
    /// Why the last evaluation failed; cleared by the next one that succeeds.
    var failedEvaluation: String?
    /// Why the last reload was refused; cleared by the next one that succeeds.
    var refusedReload: String?

    var text: String {
        var parts = ["watching \(initiatives) initiative\(initiatives == 1 ? "" : "s")"]
        if !evaluated {
            parts.append("first evaluation under way")
        } else {
            parts.append(nextWake.map { "next wake \(Timestamp.iso($0))" } ?? "nothing scheduled")
        }
        if let failedEvaluation { parts.append("evaluation failing: \(failedEvaluation)") }
        if let refusedReload { parts.append("last reload refused, running configuration kept: \(refusedReload)") }
        return parts.joined(separator: "; ")
    }

    /// An error's first line, short enough for a status line.
    static func summary(of error: any Error) -> String {
        let line = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 200 ? line.prefix(199) + "…" : line
    }
}

/// Tells the service manager the daemon's status, sending a datagram only when the line
/// changed (or with a field such as `READY=1`). Without a socket it does nothing.
struct ServiceStatusReporter {
    let socket: NotifySocket?
    private(set) var status: ServiceStatus
    private var sent: String?

    init(socket: NotifySocket?, status: ServiceStatus) {
        self.socket = socket
        self.status = status
    }

    mutating func update(sending fields: [NotifySocket.Field] = [], _ change: (inout ServiceStatus) -> Void = { _ in }) {
        change(&status)
        guard let socket else { return }
        let text = status.text
        guard !fields.isEmpty || text != sent else { return }
        socket.send(NotifySocket.message(fields + [.status(text)]))
        sent = text
    }
}
