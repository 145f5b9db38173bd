import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `copy`: puts a controller file (`src`, looked up in `files/` beside the task, then beside
/// the playbook) or literal `content` on the target at `dest`, writing only when the SHA-1
/// differs. A directory `src` is copied recursively (see `DirectoryCopy`). `remote_src: true`
/// copies a file already on the target.
public struct CopyModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "copy", arguments: [
        ArgumentSpec("src", .path),
        ArgumentSpec("content", .raw),
        ArgumentSpec("dest", .path, required: true),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("directory_mode", .raw),
        ArgumentSpec("owner", .string),
        ArgumentSpec("group", .string),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("force", .bool, aliases: ["thirsty"], defaultValue: true),
        ArgumentSpec("follow", .bool, defaultValue: false),
        ArgumentSpec("local_follow", .bool, defaultValue: true),
        ArgumentSpec("remote_src", .bool, defaultValue: false),
        ArgumentSpec("validate", .string),
        ArgumentSpec("checksum", .string),
        // Vault-encrypted sources are not decrypted yet: with decrypt (the default) they fail with a
        // message saying so; `decrypt: false` copies them as they are, as in Ansible.
        ArgumentSpec("decrypt", .bool, defaultValue: true),
    ] + SELinuxArguments.specs, freeForm: .keyValue, mutuallyExclusive: [["content", "src"]], requiredOneOf: [["content", "src"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let refusal = try await SELinuxArguments.refusal(context) { return refusal }
        guard let dest = context.string("dest"), !dest.isEmpty else { return .failed("dest is required") }
        let mode: FileMode?
        do {
            mode = try FileMode.parse(context.args["mode"], allowPreserve: true)
        } catch {
            return .failed(error.description)
        }
        var installer = FileInstaller(source: .data(Data(), name: nil), dest: dest, mode: mode,
                                      owner: context.string("owner"), group: context.string("group"))
        installer.force = context.bool("force", default: true)
        installer.backup = context.bool("backup")
        installer.validate = context.string("validate")
        installer.follow = context.bool("follow")

        if let content = context.args["content"], !content.isNull {
            if dest.hasSuffix("/") { return .failed("can not use content with a dir as dest") }
            if mode == .preserve { return .failed("mode 'preserve' needs a src file, not content") }
            installer.source = .data(Data(Self.text(of: content).utf8), name: nil)
        } else if let src = context.string("src") {
            if context.bool("remote_src") {
                if mode == .preserve { return .failed("mode 'preserve' is not supported with remote_src") }
                installer.source = .remote(src)
                installer.sourceLabel = src
            } else {
                let path = context.localPath(src, subdirectory: "files")
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    return .failed("Could not find or access '\(src)' on the controller (looked in files/ beside the task"
                        + " and the playbook, then beside them; last tried \(path))")
                }
                if isDirectory.boolValue {
                    let directoryMode: FileMode?
                    do {
                        directoryMode = try FileMode.parse(context.args["directory_mode"])
                    } catch {
                        return .failed(error.description)
                    }
                    let copy = DirectoryCopy(
                        root: URL(fileURLWithPath: path).standardizedFileURL.path, contentsOnly: src.hasSuffix("/"),
                        dest: dest, mode: mode, directoryMode: directoryMode, owner: context.string("owner"),
                        group: context.string("group"), force: context.bool("force", default: true),
                        followLinks: context.bool("local_follow", default: true))
                    return try await copy.run(context)
                }
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: path))
                } catch {
                    return .failed("could not read '\(path)' on the controller: \(error.localizedDescription)")
                }
                if context.bool("decrypt", default: true), data.starts(with: Data("$ANSIBLE_VAULT;".utf8)) {
                    return .failed("src '\(src)' is vault-encrypted, and copy cannot decrypt sources yet: keep the"
                        + " secret in a vault-encrypted vars file and write it with content:, or copy the file"
                        + " as it is with decrypt: false")
                }
                if mode == .preserve {
                    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                    let permissions = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0o644
                    installer.mode = .octal(permissions & 0o7777)
                }
                installer.source = .data(data, name: path)
                installer.sourceLabel = URL(fileURLWithPath: path).standardizedFileURL.path
            }
        } else {
            return .failed("one of the following is required: content, src")
        }
        if let expected = context.string("checksum"), case .data(let data, _) = installer.source {
            let actual = Digest.hex(data, .sha1)
            if actual.lowercased() != expected.lowercased() {
                return .failed("Copied file does not match the expected checksum. Transfer failed.",
                               ["checksum": .string(actual), "expected_checksum": .string(expected)])
            }
        }
        return try await installer.run(context)
    }

    /// `content:` as Ansible writes it: strings as they are, other values as JSON.
    static func text(of content: Value) -> String {
        switch content {
        case .string(let s): return s
        case .list, .dict: return content.jsonString()
        default: return content.renderedString
        }
    }
}
