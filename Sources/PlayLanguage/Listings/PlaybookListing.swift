import PlayBase

/// The text `ansible-playbook` prints for `--list-tasks`, `--list-tags`, `--list-hosts` and
/// `--syntax-check`, byte for byte (ansible-core 2.19).
///
/// Compile with the same TagSelection the run would use; for `--list-tags` use
/// `selection.forTagListing` (Ansible lists `never` tags too unless tags were given).
/// As in Ansible, tasks under `rescue:` / `always:` are not listed, include_tasks appear as one
/// task (their files are not read) and imports are expanded.
public enum PlaybookListing {
    /// `--syntax-check` (after a successful parse).
    public static func syntaxCheck(path: String) -> String {
        "\nplaybook: \(path)\n"
    }

    public static func listTasks(_ playbook: CompiledPlaybook) -> String {
        render(playbook, tasks: true, tags: false, hosts: nil)
    }

    public static func listTags(_ playbook: CompiledPlaybook) -> String {
        render(playbook, tasks: false, tags: true, hosts: nil)
    }

    /// `--list-hosts`: `hosts` resolves a play's pattern to host names (in the order to print).
    public static func listHosts(_ playbook: CompiledPlaybook, hosts: (String) -> [String]) -> String {
        withoutActuallyEscaping(hosts) { render(playbook, tasks: false, tags: false, hosts: $0) }
    }

    /// Any combination of the listings, in Ansible's layout (per play: header, hosts, tasks, tags).
    /// `playName` renders a templated play name (the caller holds the templar).
    public static func render(_ playbook: CompiledPlaybook, tasks: Bool, tags: Bool,
                              hosts: ((String) -> [String])?, playName: (Play) -> String = \.displayName) -> String {
        var out = "\nplaybook: \(playbook.path)\n"
        for compiled in playbook.plays {
            let play = compiled.play
            var playTags: [String] = []
            for t in play.tags where !playTags.contains(t) { playTags.append(t) }
            var msg = "\n  play #\(compiled.index + 1) (\(play.hosts)): \(playName(play))\tTAGS: [\(playTags.joined(separator: ","))]"
            if let hosts {
                let names = hosts(play.hosts)
                let pattern = Value.list(play.hostPatterns.map(Value.string)).pythonRepr
                msg += "\n    pattern: \(pattern)\n    hosts (\(names.count)):"
                for name in names { msg += "\n      \(name)" }
            }
            out += msg + "\n"
            guard tasks || tags else { continue }
            var taskMessage = tasks ? "    tasks:\n" : ""
            var allTags = Set<String>()
            let playTagSet = Set(playTags)
            func line(_ name: String, _ itemTags: Set<String>) {
                allTags.formUnion(itemTags)
                if tasks {
                    taskMessage += "      \(name)\tTAGS: [\(sortedTags(playTagSet.union(itemTags)).joined(separator: ", "))]\n"
                }
            }
            func walk(_ items: [CompiledItem]) {
                for item in items {
                    switch item {
                    case .task(let t): line(t.listingName, t.tags)
                    case .include(let i): line(i.listingName, i.tags)
                    case .block(let b): walk(b.body)
                    }
                }
            }
            for section in compiled.listedSections ?? compiled.sections { walk(section.body) }
            if tags {
                taskMessage += "      TASK TAGS: [\(sortedTags(playTagSet.union(allTags)).joined(separator: ", "))]\n"
            }
            out += taskMessage
        }
        return out
    }

    /// Python's sort of str: by code point.
    static func sortedTags(_ tags: Set<String>) -> [String] {
        tags.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}

extension TagSelection {
    /// The selection `--list-tags` lists with: Ansible adds `never` when no tags were given, so
    /// that tags of `never` tasks are listed too.
    public var forTagListing: TagSelection {
        tags.isEmpty && skipTags.isEmpty ? TagSelection(tags: ["never", "all"]) : self
    }
}
