import Foundation
import PlayBase
import PlayExecutor

/// Writes `--report FILE.html` after a run, with a load generator's JSON report when given.
enum RunReportFile {
    static func write(_ record: RunRecord, to path: String, loadReport: String?) throws {
        var load: Value?
        if let loadReport {
            let data = try Data(contentsOf: URL(fileURLWithPath: loadReport))
            load = try Value.parseJSON(String(decoding: data, as: UTF8.self))
        }
        let html = HTMLReport.render(record, story: DeployStory(record, load: load))
        try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
