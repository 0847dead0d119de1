import CXCore
import Foundation
import Yams

/// A person as read from `people.yaml`, with the nodes later checks point at.
struct PersonDraft {
    var person: Person
    var idNode: Node
    var managerNode: Node?
}

/// What `people.yaml` yielded: the valid people, ids of entries with problems, and whether
/// every entry could at least be identified (else references are not checked).
struct PeopleResult {
    var drafts: [PersonDraft] = []
    var brokenIDs: Set<PersonID> = []
    var complete = false
}

/// Reads `people.yaml`: `people:` is a list of `{id, name, email?, time_zone?, manager?, locale?, notifiers?}`.
/// `time_zone` defaults to the one in `cxd.yaml`, `locale` to `en`.
struct PeopleParser {
    static let supportedLocales = ["en", "vi"]

    let file: SourceFile
    let defaultTimeZone: String
    /// Names under `notifiers:` in cxd.yaml, for `notifiers:` preferences.
    var notifierNames: [String] = []

    func parse(_ root: Node) -> PeopleResult {
        var result = PeopleResult()
        guard var reader = MappingReader(root, in: file) else { return result }
        let list = reader.required("people")
        reader.finish()
        guard let list, let items = file.list(list, of: "people") else { return result }
        result.complete = true
        for item in items {
            let before = file.log.count
            if let draft = person(item), file.log.count == before {
                result.drafts.append(draft)
            } else if let id = MappingReader.declaredID(item) {
                result.brokenIDs.insert(id)
            } else {
                result.complete = false
            }
        }
        checkManagers(result.drafts, broken: result.brokenIDs)
        return result
    }

    /// `[a-z0-9][a-z0-9_-]*`
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first.isLowercaseASCIIAlphanumeric else { return false }
        return id.unicodeScalars.allSatisfy { $0.isLowercaseASCIIAlphanumeric || $0 == "-" || $0 == "_" }
    }

    private func person(_ node: Node) -> PersonDraft? {
        guard var reader = MappingReader(node, in: file) else { return nil }
        let idNode = reader.required("id")
        let id = idNode.flatMap { file.string($0) }
        if let id, let idNode, !Self.isValidID(id) {
            file.error("invalid person id '\(id)': use lowercase letters, digits, '-' and '_', starting with a letter or digit", at: idNode)
        }
        let name = reader.required("name").flatMap { file.string($0) }
        var email: String?
        if let emailNode = reader.optional("email"), let text = file.string(emailNode, "an email address") {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !text.contains(where: \.isWhitespace) {
                email = text
            } else {
                file.error("invalid email address '\(text)'", at: emailNode)
            }
        }
        var timeZone = defaultTimeZone
        if let zoneNode = reader.optional("time_zone") {
            let parser = MainConfigParser(file: file, folder: ".", notifierTypes: [:])
            if let zone = parser.timeZone(zoneNode) { timeZone = zone.identifier }
        }
        let managerNode = reader.optional("manager")
        let manager = managerNode.flatMap { file.string($0, "a person id") }
        var locale = "en"
        if let localeNode = reader.optional("locale"), let text = file.string(localeNode, "a locale") {
            if Self.supportedLocales.contains(text) {
                locale = text
            } else {
                file.error("unsupported locale '\(text)' (supported: \(Self.supportedLocales.joined(separator: ", ")))", at: localeNode)
            }
        }
        var notifiers: [String] = []
        if let node = reader.optional("notifiers"), let names = file.stringList(node, of: "notifier names") {
            for (name, nameNode) in names where !notifierNames.contains(name) {
                file.error(DidYouMean.unknown("notifier", name, among: notifierNames), at: nameNode)
            }
            notifiers = names.map(\.0)
        }
        reader.finish()
        guard let id, let idNode, let name else { return nil }
        let person = Person(
            id: id, name: name, email: email, timeZone: timeZone, manager: manager, locale: locale, notifiers: notifiers)
        return PersonDraft(person: person, idNode: idNode, managerNode: managerNode)
    }

    /// Duplicate ids, unknown managers, self-management.
    private func checkManagers(_ drafts: [PersonDraft], broken: Set<PersonID>) {
        var first: [PersonID: Node] = [:]
        for draft in drafts {
            if let earlier = first[draft.person.id] {
                file.error("duplicate person id '\(draft.person.id)' (first at \(file.reference(to: earlier)))", at: draft.idNode)
            } else {
                first[draft.person.id] = draft.idNode
            }
        }
        let ids = drafts.map(\.person.id)
        for draft in drafts {
            guard let manager = draft.person.manager, let node = draft.managerNode else { continue }
            if manager == draft.person.id {
                file.error("'\(manager)' cannot be their own manager", at: node)
            } else if first[manager] == nil, !broken.contains(manager) {
                file.error(DidYouMean.unknown("person", manager, among: ids), at: node)
            }
        }
    }
}

extension Unicode.Scalar {
    var isLowercaseASCIIAlphanumeric: Bool { ("a"..."z").contains(self) || ("0"..."9").contains(self) }
}
