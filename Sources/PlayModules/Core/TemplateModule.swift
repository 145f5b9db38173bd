import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `template`: renders a controller-side template (`src`, looked up in `templates/` beside the
/// task, then beside the playbook) with the host's variables (`{{ }}`, `{% if %}`, `{% for %}`)
/// and puts the result on the target like `copy`: written only when its SHA-1 differs.
public struct TemplateModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "template", arguments: [
        ArgumentSpec("src", .path, required: true),
        ArgumentSpec("dest", .path, required: true),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("owner", .string),
        ArgumentSpec("group", .string),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("force", .bool, defaultValue: true),
        ArgumentSpec("follow", .bool, defaultValue: false),
        ArgumentSpec("validate", .string),
        ArgumentSpec("newline_sequence", .string, choices: ["\n", "\r", "\r\n"], defaultValue: "\n"),
        ArgumentSpec("output_encoding", .string, choices: ["utf-8", "utf8", "UTF-8"], defaultValue: "utf-8"),
    ] + SELinuxArguments.specs, freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let refusal = try await SELinuxArguments.refusal(context) { return refusal }
        guard let src = context.string("src"), let dest = context.string("dest") else {
            return .failed("src and dest are required")
        }
        let mode: FileMode?
        do {
            mode = try FileMode.parse(context.args["mode"], allowPreserve: true)
        } catch {
            return .failed(error.description)
        }
        let path = context.localPath(src, subdirectory: "templates")
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return .failed("Could not find or access '\(src)' on the controller (looked in templates/ beside the task"
                + " and the playbook, then beside them; last tried \(path))")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let variables = context.variables.adding([
            "template_path": .string(src),
            "template_fullpath": .string(URL(fileURLWithPath: path).standardizedFileURL.path),
            "template_destpath": .string(dest),
            "template_host": .string(ProcessInfo.processInfo.hostName),
            "template_uid": .string((attributes?[.ownerAccountName] as? String) ?? ""),
            "ansible_managed": "Ansible managed",
        ])
        var rendered: String
        do {
            rendered = try context.templar.renderTemplate(text, variables)
        } catch {
            return .failed("\(src): \(error)")
        }
        let newline = context.string("newline_sequence") ?? "\n"
        if newline != "\n" { rendered = rendered.replacingOccurrences(of: "\n", with: newline) }

        var installer = FileInstaller(source: .data(Data(rendered.utf8), name: path), dest: dest, mode: mode,
                                      owner: context.string("owner"), group: context.string("group"))
        if mode == .preserve {
            let permissions = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0o644
            installer.mode = .octal(permissions & 0o7777)
        }
        installer.force = context.bool("force", default: true)
        installer.backup = context.bool("backup")
        installer.validate = context.string("validate")
        installer.follow = context.bool("follow")
        installer.sourceLabel = URL(fileURLWithPath: path).standardizedFileURL.path
        return try await installer.run(context)
    }
}
