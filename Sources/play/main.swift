import ArgumentParser
import Foundation
import VaultCommand

// `play vault ...` is the vault command, for machines where another `vault` owns the name.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "vault" {
    VaultCommand.runAsExecutable(Array(arguments.dropFirst()))
} else {
    do {
        let command = try PlayCommand.parse(arguments)
        try await command.run()
    } catch {
        // ansible-playbook exits 5 for bad options; help and version still exit 0.
        if error is ExitCode || PlayCommand.exitCode(for: error) == .success {
            PlayCommand.exit(withError: error)
        }
        FileHandle.standardError.write(Data((PlayCommand.fullMessage(for: error) + "\n").utf8))
        Foundation.exit(5)
    }
}
