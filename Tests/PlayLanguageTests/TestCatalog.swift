import PlayLanguage

/// A small module catalog for the parser tests, shaped like the real modules' specs.
enum TestCatalog {
    static let commandArguments: [ArgumentSpec] = [
        ArgumentSpec("_raw_params", .string), ArgumentSpec("cmd", .string), ArgumentSpec("argv", .list, elements: .string),
        ArgumentSpec("chdir", .path), ArgumentSpec("creates", .path), ArgumentSpec("removes", .path),
        ArgumentSpec("stdin", .string), ArgumentSpec("executable", .path),
    ]

    static let specs: [ModuleSpec] = [
        ModuleSpec(name: "debug", arguments: [
            ArgumentSpec("msg", .raw), ArgumentSpec("var", .string), ArgumentSpec("verbosity", .int),
        ], freeForm: .keyValue, mutuallyExclusive: [["msg", "var"]]),
        ModuleSpec(name: "command", arguments: commandArguments, freeForm: .rawParams,
                   requiredOneOf: [["_raw_params", "cmd", "argv"]]),
        ModuleSpec(name: "shell", arguments: commandArguments, freeForm: .rawParams,
                   requiredOneOf: [["_raw_params", "cmd"]]),
        ModuleSpec(name: "copy", arguments: [
            ArgumentSpec("src", .path), ArgumentSpec("dest", .path, required: true), ArgumentSpec("content", .raw),
            ArgumentSpec("mode", .raw), ArgumentSpec("owner", .string), ArgumentSpec("group", .string),
            ArgumentSpec("force", .bool), ArgumentSpec("backup", .bool),
        ], mutuallyExclusive: [["src", "content"]]),
        ModuleSpec(name: "file", arguments: [
            ArgumentSpec("path", .path, required: true, aliases: ["dest", "name"]),
            ArgumentSpec("state", .string, choices: ["absent", "directory", "file", "hard", "link", "touch"]),
            ArgumentSpec("mode", .raw), ArgumentSpec("owner", .string), ArgumentSpec("src", .path),
            ArgumentSpec("recurse", .bool),
        ]),
        ModuleSpec(name: "set_fact", arguments: [ArgumentSpec("cacheable", .bool)], acceptsAnyArguments: true),
        ModuleSpec(name: "meta", arguments: [
            ArgumentSpec("_raw_params", .string, required: true, choices: [
                "flush_handlers", "end_play", "end_host", "noop", "clear_host_errors", "refresh_inventory",
                "end_batch", "clear_facts", "reset_connection",
            ]),
        ], freeForm: .rawParams),
        ModuleSpec(name: "fail", arguments: [ArgumentSpec("msg", .raw)]),
        ModuleSpec(name: "assert", arguments: [
            ArgumentSpec("that", .list, required: true), ArgumentSpec("fail_msg", .raw, aliases: ["msg"]),
            ArgumentSpec("success_msg", .raw), ArgumentSpec("quiet", .bool),
        ]),
        ModuleSpec(name: "pause", arguments: [
            ArgumentSpec("seconds", .int), ArgumentSpec("minutes", .int), ArgumentSpec("prompt", .string),
        ]),
        ModuleSpec(name: "ping", arguments: [ArgumentSpec("data", .string)]),
        ModuleSpec(name: "wait_for", arguments: [
            ArgumentSpec("host", .string), ArgumentSpec("port", .int), ArgumentSpec("timeout", .int),
            ArgumentSpec("delay", .int), ArgumentSpec("state", .string, choices: ["started", "stopped", "present", "absent", "drained"]),
        ]),
        ModuleSpec(name: "uri", arguments: [
            ArgumentSpec("url", .string, required: true), ArgumentSpec("method", .string),
            ArgumentSpec("status_code", .list, elements: .int), ArgumentSpec("body", .raw), ArgumentSpec("headers", .dict),
        ]),
        ModuleSpec(name: "ec2_launch", aliases: ["ec2_instance"], arguments: [
            ArgumentSpec("count", .int), ArgumentSpec("image_id", .string), ArgumentSpec("tags", .dict),
        ]),
        ModuleSpec(name: "my_external", acceptsAnyArguments: true),
    ]

    static let catalog = ModuleTable(specs)
}
