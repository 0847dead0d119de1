import CXConfig
import CXCore
import CXStore
import Foundation

extension OperatorAlert {
    /// Tells the operators, once per failure episode, that one initiative could not be
    /// evaluated and is set aside while the others go on.
    static func evaluationFailed(_ id: InitiativeID, reason: String, configuration: Configuration, at now: Date) -> [OutboxMessage] {
        messages(
            kind: "initiative.failed", key: "initiative.failed/\(id)/\(Timestamp.iso(now))",
            subject: Text(en: "Initiative '\(id)' cannot be evaluated", vi: "Không xử lý được sáng kiến '\(id)'"),
            text: Text(
                en: "\(reason). The other initiatives go on; cxd tries this one again every few minutes and whenever the configuration changes. `cxd status \(id)` shows the error.",
                vi: "\(reason). Các sáng kiến khác vẫn chạy; cxd thử lại sau ít phút và khi cấu hình thay đổi. `cxd status \(id)` cho biết lỗi."),
            about: nil, configuration: configuration, at: now)
    }
}
