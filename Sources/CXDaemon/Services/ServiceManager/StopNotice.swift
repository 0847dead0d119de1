import ServiceLifecycle

/// Says `STOPPING=1` to the service manager as soon as the daemon begins to stop. Listed last in
/// the service group, it is the first service told of a graceful shutdown (the group stops its
/// services in reverse order), so systemd shows the unit "deactivating" while the dispatcher
/// and the scheduler finish, instead of "active" until the process is gone.
public struct StopNotice: Service {
    let socket: NotifySocket

    public init(socket: NotifySocket) {
        self.socket = socket
    }

    public func run() async {
        // Returns at the graceful shutdown; throws when the group is cancelled instead (a
        // service failed): the daemon stops either way.
        try? await gracefulShutdown()
        socket.send(.stopping)
    }
}
