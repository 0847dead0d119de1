import CXConfig
import CXCore
import CXEngine
import CXStore
import Foundation

/// The operators' alerts about delivery itself: a notifier disabled, failing, recovered, or
/// messages gone dead. Composed like every operator alert (`OperatorAlert.messages`).
extension OperatorAlert {
    /// The endpoint answered 410 Gone: the notifier is disabled until `cxd notify enable`.
    static func notifierDisabled(_ name: String, reason: String, configuration: Configuration, at now: Date) -> [OutboxMessage] {
        messages(
            kind: "notifier.disabled", key: "notifier.disabled/\(name)/\(Timestamp.iso(now))",
            subject: Text(
                en: "Notifier '\(name)' disabled: its endpoint is gone",
                vi: "Kênh thông báo '\(name)' đã bị tắt: địa chỉ nhận không còn tồn tại"),
            text: Text(
                en: "\(reason). Messages for '\(name)' wait in the outbox. Fix its configuration, then run `cxd notify enable \(name)`.",
                vi: "\(reason). Các thông báo gửi qua '\(name)' đang chờ trong outbox. Sau khi sửa cấu hình, chạy `cxd notify enable \(name)`."),
            about: name, configuration: configuration, at: now)
    }

    /// Every attempt through the notifier has failed since `since`.
    static func notifierFailing(
        _ name: String, since: Date, lastError: String, configuration: Configuration, at now: Date
    ) -> [OutboxMessage] {
        let started = Timestamp.iso(since)
        return messages(
            kind: "notifier.failing", key: "notifier.failing/\(name)/\(started)",
            subject: Text(
                en: "Notifier '\(name)' is failing: nothing delivered since \(started)",
                vi: "Kênh thông báo '\(name)' đang lỗi: không gửi được gì từ \(started)"),
            text: Text(
                en: "Every attempt through '\(name)' has failed since \(started); the last one: \(lastError). cxd keeps retrying; messages older than delivery.max_age go dead. `cxd outbox` lists them.",
                vi: "Mọi lần gửi qua '\(name)' đều lỗi từ \(started); lỗi gần nhất: \(lastError). cxd vẫn thử lại; thông báo quá delivery.max_age sẽ bị bỏ. Xem bằng `cxd outbox`."),
            about: name, configuration: configuration, at: now)
    }

    /// The notifier delivers again after the failure episode that began at `since`.
    static func notifierRecovered(_ name: String, since: Date, configuration: Configuration, at now: Date) -> [OutboxMessage] {
        let started = Timestamp.iso(since)
        return messages(
            kind: "notifier.recovered", key: "notifier.recovered/\(name)/\(started)",
            subject: Text(
                en: "Notifier '\(name)' delivers again",
                vi: "Kênh thông báo '\(name)' đã gửi được trở lại"),
            text: Text(
                en: "'\(name)' failed from \(started) and delivered again at \(Timestamp.iso(now)). The messages that waited go out now.",
                vi: "'\(name)' lỗi từ \(started) và đã gửi được lúc \(Timestamp.iso(now)). Các thông báo đang chờ sẽ được gửi ngay."),
            about: name, configuration: configuration, at: now)
    }

    /// `count` messages to the notifier went dead since the last report (report `number`).
    static func deadLetters(
        _ name: String, count: Int, number: Int, lastError: String?, configuration: Configuration, at now: Date
    ) -> [OutboxMessage] {
        let why = lastError.map { " The last error: \($0)." } ?? ""
        let whyVI = lastError.map { " Lỗi gần nhất: \($0)." } ?? ""
        return messages(
            kind: "notifier.dead_letters", key: "notifier.dead_letters/\(name)/\(number)",
            subject: Text(
                en: "\(count) message(s) to '\(name)' went dead",
                vi: "\(count) thông báo qua '\(name)' không gửi được và đã bị bỏ"),
            text: Text(
                en: "\(count) message(s) through '\(name)' were given up (permanent failure, or older than delivery.max_age).\(why) `cxd outbox --status dead` lists them; `cxd outbox retry --dead` sends them again.",
                vi: "\(count) thông báo qua '\(name)' đã bị bỏ (lỗi vĩnh viễn, hoặc quá delivery.max_age).\(whyVI) Xem bằng `cxd outbox --status dead`; gửi lại bằng `cxd outbox retry --dead`."),
            about: name, configuration: configuration, at: now)
    }
}
