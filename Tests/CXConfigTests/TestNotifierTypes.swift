import CXConfig

/// The loader is tested on its own, without the notifier registry (CXNotifiers): the corpus and
/// the examples only use the `file` notifier, whose one option is a path.
let testNotifierTypes: [String: NotifierOptionSchema] = ["file": NotifierOptionSchema(required: ["path": .path])]
