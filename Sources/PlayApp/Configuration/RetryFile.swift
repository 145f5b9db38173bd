import Foundation
import PlayBase
import PlayExecutor

/// Ansible's retry file: with `retry_files_enabled`, the hosts that failed or were unreachable,
/// one a line, in `PLAYBOOK.retry` beside the playbook (or in `retry_files_save_path`), for
/// `--limit @FILE`.
enum RetryFile {
    static func write(_ outcome: RunOutcome, playbook: String, configuration: Configuration, output: any SessionOutput) {
        guard configuration.bool("RETRY_FILES_ENABLED") else { return }
        let hosts = outcome.stats.filter { $0.value.failed > 0 || $0.value.unreachable > 0 }.map(\.key)
        guard !hosts.isEmpty else { return }
        let name = ((playbook as NSString).lastPathComponent as NSString).deletingPathExtension + ".retry"
        let directory = configuration.string("RETRY_FILES_SAVE_PATH")
            ?? URL(fileURLWithPath: (playbook as NSString).deletingLastPathComponent.isEmpty ? "."
                   : (playbook as NSString).deletingLastPathComponent).standardizedFileURL.path
        let path = (directory as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(hosts.sorted().map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
            output.write("\tto retry, use: --limit @\(path)\n\n")
        } catch {
            output.error("[WARNING]: Could not create retry file '\(path)'. \(error.localizedDescription)\n")
        }
    }
}
