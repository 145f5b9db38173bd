import PlayBase
import PlayExecutor
import PlayLanguage

/// The file attributes arguments (Ansible's `add_file_common_args`) that get_url, unarchive
/// and archive take, and the reading of `mode` they share. SELinux contexts and `attributes`
/// are accepted and not applied.
enum FileAttributeArguments {
    static let all: [ArgumentSpec] = [
        ArgumentSpec("mode", .raw),
        ArgumentSpec("owner", .string),
        ArgumentSpec("group", .string),
        ArgumentSpec("attributes", .string, aliases: ["attr"]),
        ArgumentSpec("seuser", .string),
        ArgumentSpec("serole", .string),
        ArgumentSpec("setype", .string),
        ArgumentSpec("selevel", .string),
        ArgumentSpec("unsafe_writes", .bool, defaultValue: false),
    ]

    /// The `mode` argument, or the failed result a bad one gets.
    static func mode(_ context: ModuleContext) -> Result<FileMode?, FileMode.Invalid> {
        do {
            return .success(try FileMode.parse(context.args["mode"]))
        } catch {
            return .failure(error)
        }
    }
}
