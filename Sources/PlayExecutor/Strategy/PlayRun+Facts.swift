import PlayBase
import PlayLanguage

/// Whether a play runs Ansible's implicit "Gathering Facts" task first (`FactGathering`).
extension PlayRun {
    /// A section holding the gather task, to run before `pre_tasks`; nil when the play does not
    /// gather or the tag selection leaves it out (it is tagged `always`, as in Ansible).
    func factGatheringSection() -> CompiledBlock? {
        guard gathersFacts, options.selection.selects(FactGathering.tags(of: play)) else { return nil }
        return FactGathering.section(for: play, index: compiled.index)
    }

    /// `gather_facts`: absent means true unless the `gathering` setting is `explicit` (`smart`
    /// gathers as `implicit` does: play keeps no fact cache between runs); a template renders
    /// with the play's vars and `-e`.
    private var gathersFacts: Bool {
        guard let value = play.gatherFacts else { return options.gathering != "explicit" }
        guard case .string(let text) = value else { return ValueCoercion.bool(value) ?? true }
        guard let rendered = try? templar.render(.string(text), variables.headerVariables) else { return true }
        return ValueCoercion.bool(rendered) ?? rendered.isTruthy
    }
}
