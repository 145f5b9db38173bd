import ArgumentParser
import Dispatch
import Foundation
import PlayApp
import VaultCommand
#if canImport(Glibc)
import Glibc

// Every thread that allocates would get a malloc arena of its own (a run has one thread per
// command in flight); two arenas are plenty for play and keep the heap compact. mallopt is not
// in Swift's Glibc module; M_ARENA_MAX is -8 in glibc's malloc.h.
if let mallopt = dlsym(nil, "mallopt") {
    _ = unsafeBitCast(mallopt, to: (@convention(c) (Int32, Int32) -> Int32).self)(-8, 2)
}
#endif

// `play vault ...` is the vault command, for machines where another `vault` owns the name.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "vault" {
    // As the `vault` executable does: the library throws, the process ends here.
    do {
        try VaultCommand.parseAndRun(Array(arguments.dropFirst()))
        VaultCommand.exit()
    } catch {
        VaultCommand.exit(withError: error)
    }
} else {
    // The run happens on Swift's cooperative threads while this thread waits. A top-level
    // `await` would make this an async main, whose dispatch_main() ends the main thread with
    // pthread_exit: a forced unwind that reads about 1 MiB of unwind tables on every start.
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        await runPlay(arguments)
        finished.signal()
    }
    finished.wait()
}

@Sendable func runPlay(_ arguments: [String]) async {
    if arguments.first == "--experimental-dump-help" {
        await runCommand(PlayCommandTree.self, arguments)
    } else if let requested = PlayCompletionScript.requestedShell(arguments) {
        switch requested {
        case .success(let shell):
            FileHandle.standardOutput.write(Data(PlayCompletionScript.script(for: shell).utf8))
        case .failure(let error):
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            Foundation.exit(PlayExitCode.badOptions)
        }
    } else if arguments.first == "inventory" {
        await runCommand(InventoryCommand.self, Array(arguments.dropFirst()))
    } else if arguments.first == "config" {
        await runCommand(ConfigCommand.self, Array(arguments.dropFirst()))
    } else {
        await runCommand(PlayCommand.self, arguments)
    }
}

/// Parses and runs one command. Bad options exit 5, as ansible-playbook and ansible-inventory
/// do; help and version still exit 0.
@Sendable func runCommand<Command: ParsableCommand>(_ type: Command.Type, _ arguments: [String]) async {
    do {
        var command = try Command.parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        if error is ExitCode || Command.exitCode(for: error) == .success {
            Command.exit(withError: error)
        }
        FileHandle.standardError.write(Data((Command.fullMessage(for: error) + "\n").utf8))
        Foundation.exit(PlayExitCode.badOptions)
    }
}
