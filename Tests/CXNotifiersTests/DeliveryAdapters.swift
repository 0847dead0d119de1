import CXDaemon
import CXNotifiers
import CXStore

/// The tests build outbox messages (some go through the store, some straight to a notifier);
/// a notifier gets what the dispatcher hands it, `OutboxMessage.delivery`.
extension Notifier {
    func deliver(_ message: OutboxMessage) async -> DeliveryOutcome {
        await deliver(message.delivery)
    }

    func deliver(batch messages: [OutboxMessage]) async -> [DeliveryOutcome] {
        await deliver(batch: messages.map(\.delivery))
    }
}
