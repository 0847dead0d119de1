/// A problem in one notifier's settings that its schema cannot see: a secret file that cannot
/// be read, a value the notifier type refuses, a template that does not compile. Notifier types
/// (CXNotifiers) find them by building the notifier; the loader reports each one at the key of
/// the option at fault in `cxd.yaml`, or at the template's own line and column.
public struct NotifierProblem: Sendable, Equatable, CustomStringConvertible {
    /// A position in a file other than `cxd.yaml` (a template file).
    public struct Place: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int

        public init(file: String, line: Int, column: Int) {
            self.file = file
            self.line = line
            self.column = column
        }

        public var description: String { "\(file):\(line):\(column)" }
    }

    /// The option at fault (`password_file`, `templates`); nil when the notifier as a whole is
    /// (the problem is then reported at its name).
    public var option: String?
    /// What is wrong, for a person: without `place`, the message names the option itself
    /// ("option 'port': 70000 is not a port number"); with it, it describes the file's problem.
    public var message: String
    /// Where in another file the problem is, when it is in one.
    public var place: Place?

    public init(option: String?, message: String, place: Place? = nil) {
        self.option = option
        self.message = message
        self.place = place
    }

    /// `option 'templates': FILE:LINE:COLUMN: message` when the problem is in another file,
    /// else the message.
    public var description: String {
        guard let place else { return message }
        return (option.map { "option '\($0)': " } ?? "") + "\(place): \(message)"
    }
}

/// Checks one notifier's settings by building it (reading its secrets and compiling its
/// templates, connecting nowhere): what `cxd validate` and `cxd run` give the loader, so that
/// these problems are counted with the YAML's own. The other commands leave it out: a command
/// that never sends must not fail because the daemon's secrets are not in its environment.
public typealias NotifierCheck = @Sendable (NotifierConfig) -> [NotifierProblem]
