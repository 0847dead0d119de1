import Foundation

/// What an initiative file declares (`config/initiatives/*.yaml`). Progress lives in the store.
public struct InitiativeDefinition: Codable, Sendable, Equatable {
    public var id: InitiativeID
    public var title: String
    public var workflow: WorkflowID
    /// Role → person bindings (`roles: {sponsor: lan, analyst: minh}`).
    public var roles: [RoleID: PersonID]
    /// The first step opens at the start of this day's working hours in the owner's time zone.
    public var start: LocalDate
    public var labels: [String]
    /// The whole file as data: `requires:` paths are looked up here.
    public var document: Document
    /// Where the definition came from, for messages.
    public var sourcePath: String
    public var goal: Goal?
    public var stages: [String]
    public var touchpoints: [Touchpoint]
    /// Nil when the initiative does not survey customers.
    public var survey: SurveySettings?

    public init(
        id: InitiativeID, title: String, workflow: WorkflowID, roles: [RoleID: PersonID],
        start: LocalDate, labels: [String] = [], document: Document, sourcePath: String, goal: Goal? = nil,
        stages: [String] = [], touchpoints: [Touchpoint] = [], survey: SurveySettings? = nil
    ) {
        self.goal = goal
        self.stages = stages
        self.touchpoints = touchpoints
        self.survey = survey
        self.id = id
        self.title = title
        self.workflow = workflow
        self.roles = roles
        self.start = start
        self.labels = labels
        self.document = document
        self.sourcePath = sourcePath
    }
}
