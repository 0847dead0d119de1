import NIOCore
import NIOSSL
import NIOTLS

/// Drives an `SMTPDialogue` over a channel: feeds it replies, writes the commands it asks for,
/// bounds each wait (for a reply or the TLS handshake) with the reply timeout, and completes
/// `promise` with one result per envelope when the session ends (normally or not). Must be the
/// last handler of the pipeline, after `SMTPReplyDecoder` and `SMTPCommandEncoder`.
final class SMTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = DecodedReply
    typealias OutboundOut = SMTPCommand

    private var dialogue: SMTPDialogue
    private let promise: EventLoopPromise<[SMTPResult]>
    private let replyTimeout: TimeAmount
    /// Puts TLS in front of the reply decoder after STARTTLS (the client adds a
    /// `NIOSSLClientHandler`); the dialogue goes on at `TLSUserEvent.handshakeCompleted`.
    private let startTLS: (ChannelHandlerContext) throws -> Void
    private var timeout: Scheduled<Void>?
    private var armed = false

    init(
        dialogue: SMTPDialogue, promise: EventLoopPromise<[SMTPResult]>, replyTimeout: TimeAmount,
        startTLS: @escaping (ChannelHandlerContext) throws -> Void
    ) {
        self.dialogue = dialogue
        self.promise = promise
        self.replyTimeout = replyTimeout
        self.startTLS = startTLS
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { waitForGreeting(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        waitForGreeting(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timeout?.cancel()
        let decoded = Self.unwrapInboundIn(data)
        perform(dialogue.receive(decoded.reply, followedByData: decoded.isFollowedByData), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            perform(dialogue.tlsStarted(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(dialogue.fail(Self.classify(error)), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        _ = dialogue.fail(SMTPError(.temporary, "the server closed the connection"))
        promise.succeed(dialogue.results())
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        // Only a session that started owns the promise; a failed connect is reported by the client.
        if armed { promise.succeed(dialogue.results()) }
    }

    private func waitForGreeting(_ context: ChannelHandlerContext) {
        guard !armed else { return }
        armed = true
        arm(context, waitingFor: "the greeting")
    }

    private func perform(_ action: SMTPDialogue.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let command):
            context.writeAndFlush(Self.wrapOutboundOut(command), promise: nil)
            arm(context, waitingFor: "the reply to \(command.name)")
        case .startTLS:
            do {
                try startTLS(context)
                arm(context, waitingFor: "the TLS handshake")
            } catch {
                perform(dialogue.fail(SMTPError(.temporary, "cannot start TLS: \(error)")), context: context)
            }
        case .close:
            timeout?.cancel()
            promise.succeed(dialogue.results())
            context.close(promise: nil)
        case .none:
            break
        }
    }

    private func arm(_ context: ChannelHandlerContext, waitingFor what: String) {
        timeout?.cancel()
        let seconds = Double(replyTimeout.nanoseconds) / 1e9
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: replyTimeout) { [self] in
            perform(dialogue.fail(SMTPError(.temporary, "timed out after \(seconds)s waiting for \(what)")), context: context)
        }
    }

    /// Connection and TLS problems are temporary; the dialogue's own errors keep their class.
    static func classify(_ error: any Error) -> SMTPError {
        switch error {
        case let error as SMTPError: return error
        case let error as NIOSSLError: return SMTPError(.temporary, "TLS failed: \(error)")
        case let error as BoringSSLError: return SMTPError(.temporary, "TLS failed: \(error)")
        case let error as NIOSSLExtraError: return SMTPError(.temporary, "TLS failed: \(error)")
        case let error as IOError: return SMTPError(.temporary, "connection error: \(error.description)")
        default: return SMTPError(.temporary, "connection error: \(error)")
        }
    }
}
