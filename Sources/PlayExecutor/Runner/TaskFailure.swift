import PlayBase
import PlayConnection
import PlayLanguage
import PlayTemplating

/// Why a task failed when its module did not say so itself. Each case keeps the error it came
/// from and the place in the playbook it is about, so the message can point at it the way parse
/// errors do (`file:line:col: error: ...`, the source line, a marker).
public enum TaskFailure: Error, Sendable, CustomStringConvertible {
    /// A rendered argument that the module's spec rejects. `argument` is the key as written (nil
    /// when the problem is about the arguments as a whole); `at` is where it is written.
    case badArgument(ArgumentProblem, argument: String?, at: SourceLocation)
    /// A template in an argument failed to render; `at` is where the argument is written.
    case argumentTemplate(TemplateError, argument: String, task: String, at: SourceLocation)
    /// A template elsewhere in the task (a condition, a keyword, the loop) failed to render.
    case template(TemplateError, task: String, at: SourceLocation)
    /// The module is not in the registry (it was there when the playbook was parsed).
    case unknownModule(String, at: SourceLocation)
    /// The loop's value is not what its keyword takes (Ansible's wording).
    case badLoop(message: String, at: SourceLocation)
    /// The host could not be reached or refused us.
    case connection(ConnectionError)
    /// A module threw its own typed error (an AWS API error...).
    case module(any Error, task: String, at: SourceLocation)
    /// A finding that already knows its place.
    case diagnostic(Diagnostic)
    /// `async:` on an action Ansible refuses it for, or with `poll: 0` (`fireAndForget`) on a
    /// module that is no async job itself.
    case asyncUnsupported(module: String, fireAndForget: Bool, at: SourceLocation)

    /// The place in the playbook the failure is about.
    public var location: SourceLocation? {
        switch self {
        case .badArgument(_, _, let at), .argumentTemplate(_, _, _, let at), .template(_, _, let at),
             .unknownModule(_, let at), .badLoop(_, let at), .module(_, _, let at), .asyncUnsupported(_, _, let at):
            return at
        case .connection:
            return nil
        case .diagnostic(let d):
            return d.location
        }
    }

    /// The text a failed result's `msg` carries.
    public var description: String {
        switch self {
        case .badArgument(let problem, let argument, let at):
            return Self.excerpt(.error(at: at, problem.message, length: argument?.count ?? 1))
        case .argumentTemplate(let error, let argument, let task, let at):
            return Self.excerpt(.error(at: at, "\(error) (in argument '\(argument)' of task '\(task)')",
                                       length: argument.count))
        case .template(let error, let task, let at):
            return "\(error) (in task '\(task)' at \(at))"
        case .unknownModule(let name, _):
            return "Cannot resolve '\(name)' to an action or module."
        case .badLoop(let message, _):
            return message
        case .connection(let error):
            return error.description
        case .module(let error, let task, let at):
            return "\(error) (in task '\(task)' at \(at))"
        case .diagnostic(let d):
            return d.description
        case .asyncUnsupported(let module, let fireAndForget, _):
            return fireAndForget ? ModuleTraits.fireAndForgetRefusal(module) : "This action (\(module)) does not support async."
        }
    }

    /// Ansible reports it as the task's own failure ("Task failed: msg", the result compact),
    /// not the action's or the module's.
    public var isTaskLevel: Bool {
        if case .asyncUnsupported = self { return true }
        return false
    }

    /// The diagnostic as a compiler prints it, without colour (it ends up in a JSON result).
    private static func excerpt(_ d: Diagnostic) -> String {
        var text = DiagnosticRenderer(colour: false).render(d)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
