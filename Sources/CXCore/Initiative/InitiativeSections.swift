/// The goal of an initiative (`goal:`), as declared.
public struct Goal: Codable, Sendable, Equatable {
    public var statement: String?
    /// `NPS`, `CSAT`, `CES` or `custom`.
    public var metric: String?
    public var baseline: Double?
    public var target: Double?
    public var by: LocalDate?

    public init(statement: String? = nil, metric: String? = nil, baseline: Double? = nil, target: Double? = nil, by: LocalDate? = nil) {
        self.statement = statement
        self.metric = metric
        self.baseline = baseline
        self.target = target
        self.by = by
    }
}

/// A point where customers meet the business (`touchpoints:`).
public struct Touchpoint: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// One of the journey's stages.
    public var stage: String?
    /// store, ads, sms, phone, website, helpdesk, email, chat, events…
    public var channel: String?
    /// Whether the business controls the touchpoint (a review site, say, it does not).
    public var controlled: Bool?
    /// Who follows up unhappy customers of this touchpoint (default: `survey.followup.owner`).
    public var owner: PersonID?

    public init(
        id: String, name: String, stage: String? = nil, channel: String? = nil, controlled: Bool? = nil,
        owner: PersonID? = nil
    ) {
        self.id = id
        self.name = name
        self.stage = stage
        self.channel = channel
        self.controlled = controlled
        self.owner = owner
    }
}

/// How an initiative surveys its customers (`survey:`).
public struct SurveySettings: Codable, Sendable, Equatable {
    public var scale: SurveyScale
    /// Touchpoints the survey asks about (default: all).
    public var touchpoints: [String]
    public var questions: [String]
    /// Fewer answered responses than this in a round (or its baseline) is "insufficient data".
    public var minimumSample: Int
    /// How long a round stays open.
    public var window: WorkDuration
    /// A round closes early once it has this many responses; nil: no quota (`quota: none`),
    /// the round runs its whole window. Default `defaultQuota`.
    public var quota: Int?
    /// The quota of a survey that names none: 150 answers.
    public static let defaultQuota = 150
    /// While a `survey: cadence` step runs, a round opens this long after the previous one.
    public var cadence: WorkDuration
    /// An imported round whose metric falls below this opens the next cadence round early.
    public var dropBelow: Double?
    /// Survey fatigue guard: no round opens sooner than this after the previous one.
    public var minimumGap: WorkDuration
    /// Respondents answering this many rounds within `respondentWindow` are left out of the
    /// next requests.
    public var respondentCap: Int?
    public var respondentWindow: WorkDuration
    /// Follow-ups of detractors: their deadline, and the role owning them when the touchpoint
    /// names no owner.
    public var followUpDue: WorkDuration
    public var followUpOwnerRole: RoleID?

    public init(
        scale: SurveyScale, touchpoints: [String] = [], questions: [String] = [], minimumSample: Int = 30,
        window: WorkDuration = .weeks(2), quota: Int? = SurveySettings.defaultQuota, cadence: WorkDuration = .weeks(4),
        dropBelow: Double? = nil,
        minimumGap: WorkDuration = .days(7), respondentCap: Int? = nil, respondentWindow: WorkDuration = .days(90),
        followUpDue: WorkDuration = .hours(48), followUpOwnerRole: RoleID? = nil
    ) {
        self.scale = scale
        self.touchpoints = touchpoints
        self.questions = questions
        self.minimumSample = minimumSample
        self.window = window
        self.quota = quota
        self.cadence = cadence
        self.dropBelow = dropBelow
        self.minimumGap = minimumGap
        self.respondentCap = respondentCap
        self.respondentWindow = respondentWindow
        self.followUpDue = followUpDue
        self.followUpOwnerRole = followUpOwnerRole
    }

    /// The scale a goal metric implies (`custom` needs `survey.scale`).
    public static func scale(forMetric metric: String) -> SurveyScale? {
        switch metric {
        case "NPS": .nps
        case "CSAT": .csat
        case "CES": .ces
        default: nil
        }
    }
}
