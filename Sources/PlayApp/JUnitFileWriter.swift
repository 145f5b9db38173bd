import Foundation
import PlayExecutor

/// The junit callback's file: after each recap, the report goes to
/// `JUNIT_OUTPUT_DIR/<playbook>-<time>.xml` (the directory made when missing).
final class JUnitFileWriter: EventRenderer {
    let report: JUnitReport
    let warn: @Sendable (String) -> Void

    init(options: JUnitReport.Options, warn: @escaping @Sendable (String) -> Void) {
        self.report = JUnitReport(options: options)
        self.warn = warn
    }

    func render(_ event: PlayEvent) -> String {
        _ = report.render(event)
        guard case .recap = event else { return "" }
        let directory = report.options.outputDirectory
        let path = (directory as NSString).appendingPathComponent(report.fileName(at: Date()))
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(report.xml().utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            warn("[WARNING]: junit: could not write \(path): \(error.localizedDescription)\n")
        }
        return ""
    }
}
