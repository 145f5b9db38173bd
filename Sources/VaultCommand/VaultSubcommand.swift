import ArgumentParser
import PlayVault

/// A `vault` subcommand: it does its work in `execute`, and every failure is printed the way
/// ansible-vault prints it (`[ERROR]: ...` on stderr, nothing on stdout) with its exit code.
protocol VaultSubcommand: ParsableCommand {
    var secretOptions: VaultSecretOptions { get }
    func execute(_ session: VaultSession) throws
}

extension VaultSubcommand {
    mutating func run() throws {
        let console = Console(verbosity: secretOptions.verbose)
        do {
            let session = try VaultSession(options: secretOptions, console: console)
            try execute(session)
        } catch let error as VaultCLIError {
            console.error(error.message)
            throw ExitCode(error.exitCode)
        } catch let error as VaultError {
            console.error(error.message)
            throw ExitCode(error.kind == .interrupted ? 99 : 1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            console.error("\(error)")
            throw ExitCode(1)
        }
    }
}
