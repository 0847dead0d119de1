import NIOCore
import NIOPosix
import NIOSSL

/// Sends messages over one SMTP connection.
public enum SMTPClient {
    /// Sends every envelope in one session and returns one result per envelope, in order. Never
    /// throws: a connection or session failure becomes the result of each message it prevented
    /// (messages already accepted keep their success). An empty batch opens no connection.
    public static func send(
        _ envelopes: [SMTPEnvelope], configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async -> [SMTPResult] {
        guard !envelopes.isEmpty else { return [] }
        @Sendable func failAll(_ error: SMTPError) -> [SMTPResult] {
            SMTPDialogue(envelopes: envelopes, configuration: configuration).results(interrupted: error)
        }
        guard SMTPCommand.isValidHeloName(configuration.heloName) else {
            let name = EmailAddress.printable(configuration.heloName)
            return failAll(SMTPError(.permanent, "the EHLO name '\(name)' is not a host name or address literal"))
        }
        let sslContext: NIOSSLContext?
        do {
            sslContext = configuration.tls == .none ? nil : try makeSSLContext(configuration)
        } catch {
            return failAll(error)
        }
        let loop = eventLoopGroup.next()
        let promise = loop.makePromise(of: [SMTPResult].self)
        let host = configuration.host
        let timeout = TimeAmount(configuration.replyTimeout)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if configuration.tls == .implicit, let sslContext {
                        try pipeline.addHandler(try makeTLSHandler(sslContext, host: host))
                    }
                    let decoder = ByteToMessageHandler(SMTPReplyDecoder())
                    try pipeline.addHandler(decoder)
                    try pipeline.addHandler(MessageToByteHandler(SMTPCommandEncoder()))
                    let handler = SMTPClientHandler(
                        dialogue: SMTPDialogue(envelopes: envelopes, configuration: configuration), promise: promise,
                        replyTimeout: timeout
                    ) { context in
                        guard let sslContext else { throw SMTPError(.permanent, "TLS is not configured") }
                        // Right before the decoder: every later byte is decrypted before it is framed.
                        let tls = try makeTLSHandler(sslContext, host: host)
                        try context.pipeline.syncOperations.addHandler(tls, position: .before(decoder))
                    }
                    try pipeline.addHandler(handler)
                }
            }
        bootstrap.connect(host: host, port: configuration.port).whenFailure { error in
            let reason = ConnectFailure.describe(
                error, host: host, port: configuration.port, timeout: configuration.connectTimeout)
            promise.succeed(failAll(SMTPError(.temporary, reason)))
        }
        do {
            return try await promise.futureResult.get()
        } catch {
            return failAll(SMTPClientHandler.classify(error))
        }
    }

    private static func makeSSLContext(_ configuration: SMTPConfiguration) throws(SMTPError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let file = configuration.extraCAFile {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(file))]
            } catch {
                throw SMTPError(.permanent, "cannot load the CA certificates in \(file): \(error)")
            }
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(.permanent, "cannot set up TLS: \(error)")
        }
    }

    /// SNI carries host names only; for an IP address NIOSSL checks the certificate's IP entries.
    private static func makeTLSHandler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
    }
}
