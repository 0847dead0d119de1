import CXConfig
import CXCore
import Foundation
import Testing

/// `survey.quota`: 150 answers unless the initiative says otherwise, `none` for no quota.
@Suite struct SurveyQuotaTests {
    /// Loads the corpus base project with `survey` appended to initiative `alpha` (CSAT goal).
    func alphaSurvey(_ survey: String?) throws -> (settings: SurveySettings?, diagnostics: String) {
        let project = try Project()
        defer { project.remove() }
        if let survey {
            let file = project.root.appending(path: "initiatives/a.yaml")
            let text = try String(contentsOf: file, encoding: .utf8) + "\nsurvey:\n" + survey + "\n"
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let diagnostics = project.diagnostics()
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        let config = try ConfigurationLoader.load(
            from: project.root.appending(path: "cxd.yaml").path, notifierTypes: testNotifierTypes)
        return (config.initiatives["alpha"]?.survey, diagnostics)
    }

    @Test func aGoalWithoutASurveySectionIsSurveyedWithTheDefaultQuotaOf150() throws {
        let settings = try #require(try alphaSurvey(nil).settings)
        #expect(settings.scale == .csat)
        #expect(settings.quota == 150)
        #expect(SurveySettings.defaultQuota == 150)
    }

    @Test func aSurveySectionWithoutAQuotaGetsTheDefault() throws {
        #expect(try alphaSurvey("  min_sample: 20").settings?.quota == 150)
    }

    @Test func aQuotaIsReadAndNoneTurnsItOff() throws {
        #expect(try alphaSurvey("  quota: 40").settings?.quota == 40)
        let none = try #require(try alphaSurvey("  quota: none").settings)
        #expect(none.quota == nil)
    }

    @Test(arguments: ["0", "many", "12.5"])
    func aQuotaThatIsNotAPositiveWholeNumberOrNoneIsReported(_ value: String) throws {
        let result = try alphaSurvey("  quota: \(value)")
        #expect(result.settings == nil)
        #expect(result.diagnostics.contains("expected a whole number ≥ 1, or none, found"))
        #expect(result.diagnostics.hasPrefix("initiatives/a.yaml:"))
    }
}
