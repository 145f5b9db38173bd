/// The keywords each kind of entry accepts, and the Ansible keywords `play` knows but does not
/// implement (reported as "not supported" rather than "unknown").
enum KeywordTable {
    /// Keywords inherited down play -> block -> task (Ansible's Base attributes we implement).
    static let inheritable: Set<String> = [
        "become", "become_user", "become_method", "become_flags", "check_mode", "diff", "environment",
        "ignore_errors", "ignore_unreachable", "no_log", "run_once", "any_errors_fatal", "connection",
        "port", "remote_user", "throttle", "timeout", "module_defaults",
    ]

    static let play: Set<String> = inheritable.union([
        "name", "hosts", "vars", "vars_files", "vars_prompt", "pre_tasks", "tasks", "post_tasks", "handlers", "roles",
        "serial", "max_fail_percentage", "gather_facts", "gather_subset", "gather_timeout", "fact_path",
        "tags", "strategy", "order", "force_handlers", "collections", "user",
    ])

    static let block: Set<String> = inheritable.union([
        "block", "rescue", "always", "name", "when", "tags", "vars", "notify", "delegate_to", "delegate_facts",
        "collections",
    ])

    static let task: Set<String> = inheritable.union([
        "name", "action", "local_action", "args", "changed_when", "failed_when", "delay", "loop", "loop_control",
        "register", "retries", "until", "when", "tags", "vars", "notify", "delegate_to", "delegate_facts",
        "collections", "async", "poll",
    ])

    /// What a handler accepts besides the task keywords.
    static let handlerOnly: Set<String> = ["listen"]

    /// `include_tasks` accepts only these (as Ansible's TaskInclude.VALID_INCLUDE_KEYWORDS).
    static let include: Set<String> = [
        "name", "action", "args", "collections", "ignore_errors", "loop", "loop_control", "no_log", "run_once",
        "tags", "timeout", "vars", "when",
    ]

    /// Arguments of include_tasks / import_tasks.
    static let includeArguments: Set<String> = ["file", "_raw_params", "apply"]

    /// Arguments of include_role / import_role (`apply` is include_role's only).
    static let includeRoleArguments: Set<String> = [
        "name", "tasks_from", "vars_from", "defaults_from", "handlers_from", "public", "allow_duplicates",
        "rolespec_validate", "apply",
    ]

    /// The keys of `import_playbook` entries.
    static let importPlaybook: Set<String> = ["import_playbook", "name", "when", "vars", "tags"]

    /// Keys of a `vars_prompt` entry.
    static let varsPrompt: Set<String> = [
        "name", "prompt", "private", "default", "confirm", "encrypt", "salt_size", "salt", "unsafe",
    ]

    /// Keys of `loop_control`.
    static let loopControl: Set<String> = [
        "loop_var", "index_var", "label", "pause", "extended", "extended_allitems", "break_when",
    ]

    /// Valid in Ansible, not implemented here: an explicit "not supported" beats silently ignoring them.
    static let unsupported: [String: String] = [
        "debugger": "the task debugger is not supported",
        "become_exe": "become_exe is not supported",
        "include": "'include' was removed from Ansible; use include_tasks or import_tasks",
    ]

    /// Collection prefixes that map to our short module names.
    static let collectionPrefixes = ["ansible.builtin.", "ansible.legacy.", "ansible.posix.", "amazon.aws.", "community.aws.", "community.general."]

    /// The canonical short name of a module or action as written, or nil when it names another collection.
    static func shortName(_ written: String) -> String {
        for prefix in collectionPrefixes where written.hasPrefix(prefix) {
            return String(written.dropFirst(prefix.count))
        }
        return written
    }

    /// Modules whose free-form text is a command line (ansible's FREEFORM_ACTIONS).
    static let commandLikeModules: Set<String> = ["command", "shell", "script", "raw", "win_command", "win_shell"]

    /// The `k=v` keys ansible splits out of a command-like module's free-form text.
    static let commandControlArguments: Set<String> = [
        "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends",
    ]

    /// `meta:` actions Ansible defines.
    static let metaActions = [
        "flush_handlers", "end_play", "end_host", "noop", "clear_host_errors", "refresh_inventory", "end_batch",
        "clear_facts", "clear_host_facts", "reset_connection", "end_role",
    ]
}
