import PlayBase
import PlayLanguage

extension TaskRunner {
    /// The task with its module name rendered, when it is a template (`action: "{{ m }} k=v"`):
    /// rendered with the host's variables, it must name an ordinary module (one the strategy
    /// performs, or that bypasses the host loop, shapes the run before any host's variables
    /// exist). Ansible keeps the template as the task's name; so does the display.
    func resolvingTemplatedModule(_ compiled: CompiledTask, _ vars: TaskVariables) throws -> CompiledTask {
        let task = compiled.task
        guard task.moduleIsTemplated else { return compiled }
        let rendered: String
        do { rendered = try templar.render(.string(task.module), vars).renderedString } catch {
            throw TaskFailure.argumentTemplate(error, argument: "action", task: compiled.displayName, at: task.moduleLocation)
        }
        let name = PlaybookTask.canonicalModuleName(rendered)
        guard let module = modules.module(named: name) else {
            throw TaskFailure.unknownModule(rendered, at: task.moduleLocation)
        }
        let traits = module.spec.traits
        if traits.performedByStrategy || traits.bypassesHostLoop {
            throw TaskFailure.diagnostic(.error(at: task.moduleLocation,
                "'\(name)' cannot be chosen by a template ('\(task.module)'): it changes how the play runs, so write its name as it is"))
        }
        var resolved = compiled
        resolved.task.module = module.spec.name
        resolved.task.moduleIsTemplated = false
        return resolved
    }
}
