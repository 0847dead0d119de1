import Foundation

/// What can happen to an initiative. Time is not an event source of its own: `advance` says
/// "it is now `now`", and the machine emits what became due.
public enum InitiativeEvent: Sendable, Equatable {
    case advance
    case complete(step: StepID?, by: String, note: String?)
    case reopen(step: StepID, by: String, note: String?)
    case pause(by: String, note: String?)
    case resume(by: String)
    case acknowledge(by: String)
    case snooze(until: Date, by: String)
    /// The YAML definition changed (the context carries the new one).
    case definitionChanged
    /// The initiative file was removed.
    case archive
}

/// Why the machine refused an event. Nothing is written when this is thrown.
public enum TransitionError: Error, Equatable, CustomStringConvertible {
    case notStarted(InitiativeID, startsAt: Date)
    case notOpen(InitiativeID, phase: InitiativeState.Phase)
    case wrongStep(InitiativeID, requested: StepID, open: StepID)
    case unknownStep(StepID, workflow: WorkflowID)
    case requirementsMissing(InitiativeID, step: StepID, missing: [String])
    case nothingToAcknowledge(InitiativeID)
    case alreadyPaused(InitiativeID)
    case notPaused(InitiativeID)
    case unboundRole(InitiativeID, role: RoleID)
    case openStepRemoved(InitiativeID, step: StepID, workflow: WorkflowID)

    public var description: String {
        switch self {
        case .notStarted(let id, let startsAt):
            return "initiative '\(id)' has not started yet; its first step opens at \(Timestamp.iso(startsAt))"
        case .notOpen(let id, let phase):
            return "initiative '\(id)' has no open step (it is \(phase.rawValue))"
        case .wrongStep(let id, let requested, let open):
            return "step '\(requested)' of initiative '\(id)' is not open; the open step is '\(open)'"
        case .unknownStep(let step, let workflow):
            return "workflow '\(workflow)' has no step '\(step)'"
        case .requirementsMissing(let id, let step, let missing):
            return "cannot complete step '\(step)' of initiative '\(id)': missing "
                + missing.map { "'\($0)'" }.joined(separator: ", ")
                + " (record them in the initiative file, then reload)"
        case .nothingToAcknowledge(let id):
            return "initiative '\(id)' has no reminder to acknowledge: none has been sent for the open step"
        case .alreadyPaused(let id):
            return "initiative '\(id)' is already paused"
        case .notPaused(let id):
            return "initiative '\(id)' is not paused"
        case .unboundRole(let id, let role):
            return "initiative '\(id)' binds no person to role '\(role)'"
        case .openStepRemoved(let id, let step, let workflow):
            return "initiative '\(id)' is at step '\(step)', which workflow '\(workflow)' no longer has; "
                + "reopen another step or restore it before reloading"
        }
    }
}

/// ISO 8601 formatting shared by messages, JSON and the CLI.
public enum Timestamp {
    public static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Parses `2026-12-01T09:00:00Z` or with an offset (`+07:00`).
    public static func parse(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle().parse(text)
    }
}
