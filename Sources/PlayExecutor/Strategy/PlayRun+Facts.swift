import PlayBase
import PlayLanguage

/// The implicit "Gathering Facts" task Ansible runs first in a play whose `gather_facts` holds
/// (the default). It is added when the play runs, so listings (`--list-tasks`) never show it.
extension PlayRun {
    /// A section holding the gather task, to run before `pre_tasks`; nil when the play does not
    /// gather or the tag selection leaves it out (it is tagged `always`, as in Ansible).
    func factGatheringSection() -> CompiledBlock? {
        guard gathersFacts else { return nil }
        let tags = Set(play.tags).union(["always"])
        guard options.selection.selects(tags) else { return nil }
        var args: [String: Value] = [:]
        if let subset = play.gatherSubset { args["gather_subset"] = subset }
        if let timeout = play.gatherTimeout { args["gather_timeout"] = timeout }
        let task = PlaybookTask(name: Self.gatherTaskName, module: "gather_facts", moduleLocation: play.location,
                                args: .init(uniqueKeysWithValues: args.sorted { $0.key < $1.key }),
                                directory: play.directory, location: play.location)
        var keywords = EffectiveKeywords().overlaid(with: play.keywords)
        // Gathering with run_once would copy one host's facts to the others.
        keywords.runOnce = nil
        // Ids of compiled nodes are non-negative; this one only has to differ from them.
        let id = -1 - compiled.index
        let compiledTask = CompiledTask(id: id, task: task, tags: tags, conditions: play.when, blockVars: [],
                                        keywords: keywords, notify: [], displayName: Self.gatherTaskName)
        return CompiledBlock(id: id, body: [.task(compiledTask)], name: "gather_facts", location: play.location)
    }

    static let gatherTaskName = "Gathering Facts"

    /// `gather_facts`: absent means true; a template renders with the play's vars and `-e`.
    private var gathersFacts: Bool {
        guard let value = play.gatherFacts else { return true }
        guard case .string(let text) = value else { return ValueCoercion.bool(value) ?? true }
        guard let rendered = try? templar.render(.string(text), variables.headerVariables) else { return true }
        return ValueCoercion.bool(rendered) ?? rendered.isTruthy
    }
}
