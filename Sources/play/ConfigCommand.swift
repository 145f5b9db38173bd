import ArgumentParser
import Foundation
import PlayBase

/// `play config`: the settings play reads, printed as `ansible-config` prints them.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play config",
        abstract: "Show the ansible.cfg and ANSIBLE_* settings as ansible-config does.",
        subcommands: [Dump.self, View.self])

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every setting play knows as NAME(ORIGIN) = VALUE (the base settings, as ansible-config dump).")

        @Flag(name: .customLong("only-changed"), help: "Only the settings not at their default.")
        var onlyChanged = false

        func run() throws {
            let configuration = try LoadedConfiguration.forProcess()
            for warning in configuration.warnings { FileHandle.standardError.write(Data("[WARNING]: \(warning)\n".utf8)) }
            FileHandle.standardOutput.write(Data(configuration.dump(onlyChanged: onlyChanged).utf8))
        }
    }

    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The config file in use, as it is written.")

        func run() throws {
            let configuration = try LoadedConfiguration.forProcess()
            for warning in configuration.warnings { FileHandle.standardError.write(Data("[WARNING]: \(warning)\n".utf8)) }
            guard let text = configuration.view() else {
                FileHandle.standardError.write(Data("[ERROR]: Invalid or no config file was supplied\n".utf8))
                throw ExitCode(1)
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
