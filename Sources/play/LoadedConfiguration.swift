import ArgumentParser
import Foundation
import PlayApp
import PlayBase
import PlayVersion

/// The process's ansible.cfg and ANSIBLE_* settings; a file that cannot be used is reported as
/// `file:line:col: error:` and ends the command with exit code 1, as Ansible stops on a bad config.
enum LoadedConfiguration {
    static func forProcess() throws -> Configuration {
        do {
            return try Configuration.forProcess()
        } catch {
            let colour = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            FileHandle.standardError.write(Data(DiagnosticRenderer(colour: colour).render(error).utf8))
            throw ExitCode(PlayExitCode.error)
        }
    }
}

/// `--version` for play and `play inventory`: the report, with the configuration as far as it can be read.
enum VersionText {
    static func text(program: String) -> String {
        do {
            return VersionReport.text(program: program, configuration: try Configuration.forProcess())
        } catch {
            return VersionReport.text(program: program, configuration: nil, configurationProblem: error.description)
        }
    }
}
