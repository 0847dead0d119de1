import ArgumentParser
import CXConfig
import CXCore
import CXEngine
import CXStore
import CXSurveys
import Foundation

struct Journey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw an initiative's experience map: Markdown, Mermaid or SVG.",
        discussion: """
            Stages as columns; lanes for customer actions, touchpoints, emotions (from survey \
            answers when there are any, else from journey.emotions in the YAML), pain points and \
            solutions; the touchpoints listed under priorities: are highlighted; personas listed.
            """)

    enum Output: String, ExpressibleByArgument, CaseIterable {
        case md, mermaid, svg
    }

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The initiative.") var initiative: String
    @Option(help: "md, mermaid or svg.") var format: Output = .md
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        let engine = try CommandContext.openEngine(options, creation: .readOnly)
        let text = try await CommandContext.reporting {
            let map = try await engine.journeyMap(initiative)
            switch format {
            case .md: return map.markdown()
            case .mermaid: return map.mermaid()
            case .svg: return map.svg()
            }
        }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                CommandContext.printError("cxd: cannot write \(output): \(error.localizedDescription)")
                throw ExitStatus.runtimeFailure
            }
        } else {
            print(text, terminator: "")
        }
    }
}
