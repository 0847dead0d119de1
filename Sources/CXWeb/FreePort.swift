import NIOCore
import NIOPosix

/// `--http-listen HOST:0`: a free port is chosen when cxd starts, before anything is queued,
/// so that the links in every reminder name the port the service will listen on. (Binding
/// port 0 in the server itself would tell the port only after the first evaluation queued its
/// messages.) Should another process take the port in the instant between, the service fails
/// to bind and the daemon stops with that error.
public enum FreePort {
    public static func pick(host: String) async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
