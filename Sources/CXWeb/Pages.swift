import CXConfig
import CXCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Server-rendered pages: a Mustache template for the page's body inside `layout`, with the
/// words of the reader's language (English or Vietnamese: `?lang=`, then the `cxd_lang`
/// cookie, then Accept-Language).
enum Pages {
    /// Every template of web/templates, compiled once. A template that does not compile is a
    /// bug in cxd (the tests render every page), reported as such at first use.
    static let library: MustacheLibrary = {
        var templates: [String: MustacheTemplate] = [:]
        for (name, source) in EmbeddedWeb.templates {
            do {
                templates[name] = try MustacheTemplate(string: source)
            } catch {
                preconditionFailure("web/templates/\(name).mustache does not compile: \(error)")
            }
        }
        return MustacheLibrary(templates: templates)
    }()

    static let languages: [(code: String, name: String)] = [("en", "English"), ("vi", "Tiếng Việt")]

    /// The reader's language.
    /// - Parameter preferred: the language of the person the page is for, when the page knows
    ///   (a one-click link's recipient): it comes before the browser's Accept-Language.
    static func language(of request: Request, preferred: String? = nil) -> String {
        if let asked = request.uri.queryParameters["lang"].map(String.init), Strings.table[asked] != nil { return asked }
        if let cookie = request.cookies["cxd_lang"]?.value, Strings.table[cookie] != nil { return cookie }
        if let preferred, Strings.table[preferred] != nil { return preferred }
        for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            let code = part.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased().prefix(2)
            if Strings.table[String(code)] != nil { return String(code) }
        }
        return "en"
    }

    /// The page `template` with `values`, in `layout`. Sets the language cookie when `?lang=`
    /// chose it.
    static func render(
        _ template: String, title: String, values: [String: Any], request: Request, session: Authenticator.Session?,
        csrf: String?, canSignIn: Bool, names: [PersonID: String], status: HTTPResponse.Status = .ok, preferred: String? = nil
    ) -> Response {
        let lang = language(of: request, preferred: preferred)
        let strings = Strings.table[lang] ?? Strings.table["en"]!
        var context = values
        context["t"] = strings
        context["lang"] = lang
        let body = library.render(context, withTemplate: template) ?? ""
        var layout: [String: Any] = [
            "t": strings, "lang": lang, "title": title, "body": body, "can_sign_in": canSignIn,
            "other_langs": languages.filter { $0.code != lang }.map { ["code": $0.code, "name": $0.name, "href": switching(request, to: $0.code)] },
        ]
        if let session {
            layout["signed_in"] = session.subject.description
            // An admin is nobody's person: no "my tasks" page.
            if case .person(let id) = session.subject { layout["signed_in_person"] = id }
            layout["signed_in_name"] = {
                if case .person(let id) = session.subject { return names[id] ?? id }
                return "admin"
            }()
            layout["csrf"] = csrf ?? ""
        }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if let asked = request.uri.queryParameters["lang"].map(String.init), Strings.table[asked] != nil {
            headers[.setCookie] = "cxd_lang=\(asked); Path=/; Max-Age=31536000; SameSite=Lax"
        }
        return Response.text(html, contentType: "text/html; charset=utf-8", status: status, headers: headers)
    }
}

extension Pages {
    /// This page in another language: its query kept (paging, `next`), `lang` replaced.
    static func switching(_ request: Request, to lang: String) -> String {
        var items = URLComponents(string: request.uri.string)?.queryItems ?? []
        items.removeAll { $0.name == "lang" }
        items.append(URLQueryItem(name: "lang", value: lang))
        var components = URLComponents()
        components.path = request.uri.path
        components.queryItems = items
        return components.string ?? "?lang=\(lang)"
    }
}

/// The dashboard's words, by language. Every key exists in every language (a test checks).
enum Strings {
    static let table: [String: [String: String]] = ["en": english, "vi": vietnamese]

    static let english: [String: String] = [
        "nav_initiatives": "Initiatives", "nav_my_tasks": "My tasks", "sign_in": "Sign in", "sign_out": "Sign out",
        "footer": "customer-experience improvement cycles", "initiative": "Initiative", "step": "Step", "for_person": "For",
        "open_initiative": "Open the initiative",
        "link_explain": "Nothing happens until you press the button. This link works once and expires.",
        "token_label": "Your access token", "token_explain": "Your token comes from the people running cxd (http.tokens in cxd.yaml).",
        "bad_token": "That token is not valid.",
        "link_done_heading": "Mark the step done", "link_done_question": "Close this step and open the next one?",
        "link_done_button": "Done", "link_ack_heading": "Acknowledge the reminder",
        "link_ack_question": "Stop the repeats of the current reminder for this step?", "link_ack_button": "Acknowledge",
        "link_snooze-1d_heading": "Snooze for a day", "link_snooze-1d_question": "No reminders for this step for one day? The deadline stays.",
        "link_snooze-1d_button": "Snooze 1 day", "link_snooze-1w_heading": "Snooze for a week",
        "link_snooze-1w_question": "No reminders for this step for one week? The deadline stays.", "link_snooze-1w_button": "Snooze 1 week",
        "link_done_result": "Done: the step is closed and the next one is open.", "link_ack_result": "Acknowledged: the current reminder stops repeating.",
        "link_snooze-1d_result": "Snoozed: no reminders for this step for a day.", "link_snooze-1w_result": "Snoozed: no reminders for this step for a week.",
        "link_thanks": "Thank you", "link_cannot": "This link cannot be used",
        "link_used": "This link was used already: each link works once.",
        "link_superseded": "The step this link was for is no longer open, so there is nothing left to do with it.",
        "link_expired": "This link has expired. Use the newest reminder, or the dashboard.",
        "link_invalid": "This link is not valid: it may have been cut short or changed. Use the newest reminder, or the dashboard.",
        "link_refused": "The action was refused:",
        "not_found": "Not found", "forbidden": "Not allowed",
        // The dashboard's pages (Dashboard*.swift, index/initiative/person/log/refusal templates).
        "progress": "Progress", "owner": "Owner", "due": "Due", "metric": "Metric", "cycle": "Cycle", "cycle_n": "cycle %d",
        "overdue_by": "overdue by", "starts": "starts", "target": "target", "baseline": "baseline", "round": "Round",
        "no_answers": "no answers yet", "no_initiatives": "No initiatives yet.", "failing": "failing", "times_in": "Times in",
        "first_page": "← First page", "next_page": "Next page →", "open_step": "Open step", "goal": "Goal", "by_date": "by",
        "note": "Note", "note_placeholder": "Note (optional)", "action_complete": "Done", "action_ack": "Acknowledge",
        "action_snooze_1d": "Snooze 1 day", "action_snooze_1w": "Snooze 1 week", "action_pause": "Pause",
        "action_resume": "Resume", "action_reopen": "Reopen", "reopen_which": "Step to reopen",
        "action_close_followup": "Close follow-up", "metric_trend": "Metric trend", "no_survey": "No survey results yet.",
        "last_verdict": "Last verdict", "status": "Status", "value": "Value", "interval": "95% interval", "score": "score",
        "open_followups": "Open follow-ups", "no_followups": "No open follow-ups.", "timeline": "Step timeline",
        "no_runs": "No step has started yet.", "started": "Started", "closed": "Closed", "open_now": "open", "late": "late",
        "journey_map": "Journey map", "audit_log": "Audit log", "when": "When", "event": "Event", "by": "By",
        "details": "Details", "whole_log": "The whole log, oldest first", "no_more_entries": "No more entries.",
        "open_steps": "Open steps", "no_open_steps": "No open steps.", "calendar_feed": "Calendar feed",
        "calendar_explain": "Subscribe to this address in your calendar app to see your deadlines there.",
        "calendar_secret": "This address is a secret: whoever has it sees your deadlines. `cxd calendar PERSON --revoke` replaces it.",
        "go_back": "Go back", "refused": "The action was refused", "internal_error": "Something went wrong",
        "sign_in_to_act": "Sign in to do this.",
        "stale_form": "The form is out of date (its security token is missing or wrong): reload the page and try again.",
        "unit_day": "d", "unit_hour": "h", "unit_minute": "min", "phase_pending": "pending", "phase_active": "active",
        "phase_paused": "paused", "phase_completed": "completed", "phase_archived": "archived",
        "phase_unregistered": "not registered yet", "outcome_completed": "done", "outcome_reopened": "reopened",
        "round_delayed": "delayed", "round_open": "open", "round_closed": "closed", "verdict_goalMet": "goal met",
        "verdict_improved": "improved", "verdict_noSignificantChange": "no significant change", "verdict_worse": "worse",
        "verdict_insufficientData": "too few answers", "done_complete": "Done: the step is closed and the next one is open.",
        "done_ack": "Acknowledged: the current reminder stops repeating.",
        "done_snooze-1d": "Snoozed: no reminders for this step for a day.",
        "done_snooze-1w": "Snoozed: no reminders for this step for a week.",
        "done_pause": "Paused: no reminders until it resumes.", "done_resume": "Resumed.", "done_reopen": "Reopened.",
        "done_close": "The follow-up is closed.",
    ]

    static let vietnamese: [String: String] = [
        "nav_initiatives": "Sáng kiến", "nav_my_tasks": "Việc của tôi", "sign_in": "Đăng nhập", "sign_out": "Đăng xuất",
        "footer": "chu trình cải thiện trải nghiệm khách hàng", "initiative": "Sáng kiến", "step": "Bước", "for_person": "Người nhận",
        "open_initiative": "Mở sáng kiến",
        "link_explain": "Không có gì thay đổi cho đến khi bạn bấm nút. Liên kết này chỉ dùng được một lần và có hạn.",
        "token_label": "Mã truy cập của bạn", "token_explain": "Mã truy cập do người vận hành cxd cấp (http.tokens trong cxd.yaml).",
        "bad_token": "Mã truy cập không hợp lệ.",
        "link_done_heading": "Đánh dấu bước đã xong", "link_done_question": "Đóng bước này và mở bước tiếp theo?",
        "link_done_button": "Hoàn thành", "link_ack_heading": "Xác nhận đã biết",
        "link_ack_question": "Ngừng nhắc lại lời nhắc hiện tại của bước này?", "link_ack_button": "Đã biết",
        "link_snooze-1d_heading": "Hoãn nhắc một ngày", "link_snooze-1d_question": "Không nhắc bước này trong một ngày? Hạn chót giữ nguyên.",
        "link_snooze-1d_button": "Hoãn 1 ngày", "link_snooze-1w_heading": "Hoãn nhắc một tuần",
        "link_snooze-1w_question": "Không nhắc bước này trong một tuần? Hạn chót giữ nguyên.", "link_snooze-1w_button": "Hoãn 1 tuần",
        "link_done_result": "Đã xong: bước này đã đóng và bước tiếp theo đã mở.", "link_ack_result": "Đã xác nhận: lời nhắc hiện tại không lặp lại nữa.",
        "link_snooze-1d_result": "Đã hoãn: không nhắc bước này trong một ngày.", "link_snooze-1w_result": "Đã hoãn: không nhắc bước này trong một tuần.",
        "link_thanks": "Cảm ơn bạn", "link_cannot": "Không thể dùng liên kết này",
        "link_used": "Liên kết này đã được dùng: mỗi liên kết chỉ dùng được một lần.",
        "link_superseded": "Bước mà liên kết này dành cho đã không còn mở, nên không còn gì để làm.",
        "link_expired": "Liên kết này đã hết hạn. Hãy dùng lời nhắc mới nhất hoặc bảng điều khiển.",
        "link_invalid": "Liên kết này không hợp lệ: có thể đã bị cắt ngắn hoặc bị sửa. Hãy dùng lời nhắc mới nhất hoặc bảng điều khiển.",
        "link_refused": "Thao tác bị từ chối:",
        "not_found": "Không tìm thấy", "forbidden": "Không được phép",
        // The dashboard's pages (Dashboard*.swift, index/initiative/person/log/refusal templates).
        "progress": "Tiến độ", "owner": "Người phụ trách", "due": "Hạn chót", "metric": "Chỉ số", "cycle": "Vòng",
        "cycle_n": "vòng %d", "overdue_by": "quá hạn", "starts": "bắt đầu", "target": "mục tiêu", "baseline": "ban đầu",
        "round": "Đợt", "no_answers": "chưa có câu trả lời", "no_initiatives": "Chưa có sáng kiến nào.", "failing": "đang lỗi",
        "times_in": "Giờ theo", "first_page": "← Trang đầu", "next_page": "Trang sau →", "open_step": "Bước đang mở",
        "goal": "Mục tiêu", "by_date": "trước", "note": "Ghi chú", "note_placeholder": "Ghi chú (không bắt buộc)",
        "action_complete": "Hoàn thành", "action_ack": "Đã biết", "action_snooze_1d": "Hoãn 1 ngày",
        "action_snooze_1w": "Hoãn 1 tuần", "action_pause": "Tạm dừng", "action_resume": "Tiếp tục", "action_reopen": "Mở lại",
        "reopen_which": "Bước cần mở lại", "action_close_followup": "Đóng việc liên hệ", "metric_trend": "Diễn biến chỉ số",
        "no_survey": "Chưa có kết quả khảo sát.", "last_verdict": "Đánh giá gần nhất", "status": "Trạng thái", "value": "Giá trị",
        "interval": "Khoảng tin cậy 95%", "score": "điểm", "open_followups": "Việc liên hệ khách hàng đang mở",
        "no_followups": "Không có việc liên hệ nào đang mở.", "timeline": "Dòng thời gian các bước",
        "no_runs": "Chưa có bước nào bắt đầu.", "started": "Bắt đầu", "closed": "Đóng", "open_now": "đang mở", "late": "trễ hạn",
        "journey_map": "Bản đồ hành trình", "audit_log": "Nhật ký", "when": "Thời điểm", "event": "Sự kiện", "by": "Bởi",
        "details": "Chi tiết", "whole_log": "Toàn bộ nhật ký, cũ nhất trước", "no_more_entries": "Không còn mục nào.",
        "open_steps": "Các bước đang mở", "no_open_steps": "Không có bước nào đang mở.", "calendar_feed": "Lịch hạn chót",
        "calendar_explain": "Đăng ký địa chỉ này trong ứng dụng lịch để thấy các hạn chót của bạn ở đó.",
        "calendar_secret": "Địa chỉ này là bí mật: ai có nó đều thấy các hạn chót của bạn. Lệnh `cxd calendar PERSON --revoke` thay địa chỉ mới.",
        "go_back": "Quay lại", "refused": "Thao tác bị từ chối", "internal_error": "Đã có lỗi xảy ra",
        "sign_in_to_act": "Hãy đăng nhập để làm việc này.",
        "stale_form": "Biểu mẫu đã cũ (mã bảo mật bị thiếu hoặc sai): hãy tải lại trang và thử lại.", "unit_day": "ngày",
        "unit_hour": "giờ", "unit_minute": "phút", "phase_pending": "chờ bắt đầu", "phase_active": "đang chạy",
        "phase_paused": "tạm dừng", "phase_completed": "hoàn tất", "phase_archived": "đã lưu trữ",
        "phase_unregistered": "chưa đăng ký", "outcome_completed": "xong", "outcome_reopened": "mở lại", "round_delayed": "hoãn",
        "round_open": "đang mở", "round_closed": "đã đóng", "verdict_goalMet": "đạt mục tiêu", "verdict_improved": "có cải thiện",
        "verdict_noSignificantChange": "không thay đổi đáng kể", "verdict_worse": "kém đi",
        "verdict_insufficientData": "quá ít câu trả lời", "done_complete": "Đã xong: bước này đã đóng và bước tiếp theo đã mở.",
        "done_ack": "Đã xác nhận: lời nhắc hiện tại không lặp lại nữa.",
        "done_snooze-1d": "Đã hoãn: không nhắc bước này trong một ngày.",
        "done_snooze-1w": "Đã hoãn: không nhắc bước này trong một tuần.",
        "done_pause": "Đã tạm dừng: không nhắc cho đến khi tiếp tục.", "done_resume": "Đã tiếp tục.", "done_reopen": "Đã mở lại.",
        "done_close": "Việc liên hệ đã đóng.",
    ]
}
