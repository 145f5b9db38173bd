import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `shell`: runs text through a shell on the target (`/bin/sh -c TEXT`, or `executable -c
/// TEXT`), so pipes, redirections and expansions work.
public struct ShellModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "shell", arguments: [
        ArgumentSpec("cmd", .string),
        ArgumentSpec("chdir", .path),
        ArgumentSpec("executable", .path),
        ArgumentSpec("creates", .path),
        ArgumentSpec("removes", .path),
        ArgumentSpec("stdin", .string),
        ArgumentSpec("stdin_add_newline", .bool, defaultValue: true),
        ArgumentSpec("strip_empty_ends", .bool, defaultValue: true),
    ], freeForm: .rawParams, traits: .commandAsync)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        guard let text = CommandText.raw(context) else {
            return CommandText.failure(CommandText.conflict, cmd: .null)
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return CommandText.failure("no command given", cmd: .null)
        }
        let invocation = CommandInvocation(
            program: .shell(text, executable: context.string("executable") ?? "/bin/sh"),
            chdir: context.string("chdir"), creates: context.string("creates"), removes: context.string("removes"),
            stdin: context.string("stdin"), stdinAddNewline: context.bool("stdin_add_newline", default: true),
            stripEmptyEnds: context.bool("strip_empty_ends", default: true))
        return try await invocation.run(context)
    }
}
