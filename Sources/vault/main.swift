import ArgumentParser
import VaultCommand

// The library throws; ending the process (printing help or the error, with its code) is ours.
do {
    try VaultCommand.parseAndRun()
    VaultCommand.exit()
} catch {
    VaultCommand.exit(withError: error)
}
