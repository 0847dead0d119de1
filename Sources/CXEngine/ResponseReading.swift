import CXCore
import CXSurveys
import Foundation

/// One response file as an import reads it, twice: to check it, then to import it.
struct ResponseReading: Sendable {
    var source: ResponseSource
    var format: ResponseFile.Format
    var scale: SurveyScale
    var touchpoints: Set<String>
    var zone: TimeZone
    /// The file's size, for progress.
    var size: Int?

    func read(
        phase: ImportProgress.Phase, progress: @Sendable (ImportProgress) -> Void, row: (ResponseRow) throws -> Void,
        problem: (RowError) throws -> Void
    ) throws -> ResponseFile.Summary {
        let summary = try ResponseFile.read(
            source, format: format, scale: scale, touchpoints: touchpoints, zone: zone,
            progress: { progress(ImportProgress(phase: phase, bytes: $0, totalBytes: size)) }, row: row, problem: problem)
        return summary
    }
}
