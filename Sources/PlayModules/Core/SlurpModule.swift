import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `slurp`: a file's bytes from the target, base64-encoded in the result (`content`). One
/// command: the script checks the path and `cat`s it; the controller encodes.
public struct SlurpModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "slurp", arguments: [
        ArgumentSpec("src", .path, required: true, aliases: ["path"]),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        guard let src = context.string("src"), !src.isEmpty else { return .failed("src is required") }
        // NUL-terminated: the expanded path, the verdict, then the file's bytes.
        let script = """
            _pP=\(ShellWord.expanded(src)); printf '%s\\0' "$_pP"
            if [ -d "$_pP" ]; then printf 'directory\\0'
            elif [ ! -e "$_pP" ]; then printf 'absent\\0'
            elif [ ! -r "$_pP" ]; then printf 'unreadable\\0'
            else printf 'file\\0'; exec cat -- "$_pP"; fi
            """
        let answer = try await context.connection().run(CommandRequest(
            command: script, environment: context.environment, become: context.become, becomeUser: context.becomeUser,
            outputLimit: CommandRequest.wholeFileOutputLimit))
        if answer.stdoutOmitted > 0 {
            return .failed("Unable to slurp file: it is larger than the \(ByteSize.describe(CommandRequest.wholeFileOutputLimit)) play reads into memory")
        }
        let fields = answer.stdout.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, answer.exitCode == 0 else {
            let stderr = answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failed("Unable to slurp file: \(stderr.isEmpty ? "exit \(answer.exitCode)" : stderr)")
        }
        // `source` is the path after ~ and $VAR expansion, not normalised, as Ansible reports it.
        let source = String(decoding: fields[0], as: UTF8.self)
        switch String(decoding: fields[1], as: UTF8.self) {
        case "directory": return .failed("Source is a directory and must be a file: \(source)")
        case "absent": return .failed("File not found: \(source)")
        case "unreadable": return .failed("file is not readable: \(source)")
        default:
            let data = fields.count == 3 ? Data(fields[2]) : Data()
            return TaskResult(["changed": false, "content": .string(data.base64EncodedString()), "encoding": "base64",
                               "source": .string(source)])
        }
    }
}
