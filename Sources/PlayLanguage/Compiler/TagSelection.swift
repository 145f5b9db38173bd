/// `--tags` / `--skip-tags` with Ansible's rules: `all` (the default) selects everything but
/// `never`-tagged tasks; `tagged` / `untagged` select by having tags at all; a task tagged
/// `always` runs unless `always` itself is skipped; a task tagged `never` runs only when one of
/// its other tags (or `never`) is asked for explicitly; skips win over selections.
public struct TagSelection: Sendable, Hashable {
    public var tags: [String]
    public var skipTags: [String]

    public init(tags: [String] = [], skipTags: [String] = []) {
        self.tags = tags
        self.skipTags = skipTags
    }

    /// From the values of repeated `--tags` / `--skip-tags` options, each possibly a comma-separated
    /// list, split and trimmed as ansible's command line does.
    public init(commandLineTags: [String], commandLineSkipTags: [String]) {
        func split(_ values: [String]) -> [String] {
            var out: [String] = []
            for v in values {
                for part in v.split(separator: ",", omittingEmptySubsequences: false) {
                    let t = String(part).trimmingSpaces
                    if !out.contains(t) { out.append(t) }
                }
            }
            return out
        }
        self.init(tags: split(commandLineTags), skipTags: split(commandLineSkipTags))
    }

    /// Selects everything Ansible runs without `--tags` / `--skip-tags`.
    public static let all = TagSelection()

    /// Whether a task with these effective tags is selected (ansible's Taggable.evaluate_tags).
    public func selects(_ taskTags: Set<String>) -> Bool {
        // An untagged task counts as tagged `untagged`, which makes `--tags untagged` work.
        let tags: Set<String> = taskTags.isEmpty ? ["untagged"] : taskTags
        let isUntagged = taskTags.isEmpty
        let only = self.tags.isEmpty ? ["all"] : Set(self.tags)
        var run = true
        if tags.contains("always") {
            run = true
        } else if only.contains("all") && !tags.contains("never") {
            run = true
        } else if !tags.isDisjoint(with: only) {
            run = true
        } else if only.contains("tagged") && !isUntagged && !tags.contains("never") {
            run = true
        } else {
            run = false
        }
        if run && !skipTags.isEmpty {
            let skip = Set(skipTags)
            if skip.contains("all") {
                if !tags.contains("always") || skip.contains("always") { run = false }
            } else if !tags.isDisjoint(with: skip) {
                run = false
            } else if skip.contains("tagged") && !isUntagged {
                run = false
            }
        }
        return run
    }
}
