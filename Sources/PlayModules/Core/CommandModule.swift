import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `command`: runs a program on the target without a shell in between (its words are quoted
/// for the target's `sh`, with `$VAR` and `~` expanded as Ansible's `expand_argument_vars`
/// does). Free form (`command: ls -l /tmp`), `cmd:` or `argv:`.
public struct CommandModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "command", arguments: [
        ArgumentSpec("cmd", .string),
        ArgumentSpec("argv", .list, elements: .string),
        ArgumentSpec("chdir", .path),
        ArgumentSpec("executable", .path),
        ArgumentSpec("creates", .path),
        ArgumentSpec("removes", .path),
        ArgumentSpec("stdin", .string),
        ArgumentSpec("stdin_add_newline", .bool, defaultValue: true),
        ArgumentSpec("strip_empty_ends", .bool, defaultValue: true),
        ArgumentSpec("expand_argument_vars", .bool, defaultValue: true),
    ], freeForm: .rawParams, traits: .commandAsync)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        guard let raw = CommandText.raw(context) else {
            return CommandText.failure(CommandText.conflict, cmd: .null)
        }
        let argv = context.list("argv")?.map(\.renderedString)
        if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && (argv ?? []).isEmpty {
            return CommandText.failure("no command given", cmd: .null)
        }
        if !raw.isEmpty, let argv, !argv.isEmpty {
            return CommandText.failure("only command or argv can be given, not both", cmd: .null)
        }
        let words: [String]
        if raw.isEmpty {
            words = argv ?? []
        } else {
            do {
                words = try ShellWords.split(raw)
            } catch {
                return CommandText.failure("cannot split the command into words: \(error) (check the quotes in: \(raw))",
                                           cmd: .string(raw))
            }
        }
        var invocation = CommandInvocation(
            program: .argv(words, expandVariables: context.bool("expand_argument_vars", default: true)),
            chdir: context.string("chdir"), creates: context.string("creates"), removes: context.string("removes"),
            stdin: context.string("stdin"), stdinAddNewline: context.bool("stdin_add_newline", default: true),
            stripEmptyEnds: context.bool("strip_empty_ends", default: true))
        if let executable = context.string("executable") {
            invocation.warnings.append("As of Ansible 2.4, the parameter 'executable' is no longer supported with the"
                + " 'command' module. Not using '\(executable)'.")
        }
        return try await invocation.run(context)
    }
}
