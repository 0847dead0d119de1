import Foundation
import CXTestSupport

/// The example project with a webhook notifier `hook` posting to `url` unsigned, the operator
/// (mai) told through `hook` and the file notifier `log`, and the `delivery:` settings given.
func hookProject(url: String, delivery: String = "") throws -> TestProject {
    let project = try TestProject(keeping: ["pos-checkout"])
    try project.edit("config/cxd.yaml") { yaml in
        yaml.replacingOccurrences(of: "routes:\n  default: [log]", with: """
              hook:
                type: webhook
                url: \(url)
                sign: false
            routes:
              default: [log]
            operators:
              people: [mai]
              notifiers: [hook, log]
            \(delivery)
            """)
    }
    return project
}
