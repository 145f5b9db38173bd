import OrderedCollections
import PlayBase

extension Evaluator {
    /// Calls a `{% macro %}`: arguments bind by position, then by keyword; a parameter left out
    /// takes its default (which may use the parameters before it); extra positional arguments are
    /// `varargs`, extra keywords `kwargs`, as in Jinja. The body renders in its own scope and the
    /// call yields the text.
    func callMacro(_ macro: Template.Macro, _ args: CallArguments) throws(TemplateError) -> Value {
        var bound: [String: Value] = [:]
        var varargs: [Value] = []
        for (i, argument) in args.positional.enumerated() {
            if i < macro.parameters.count { bound[macro.parameters[i].name] = try argument.get() } else { varargs.append(try argument.get()) }
        }
        var kwargs: OrderedDictionary<String, Value> = [:]
        for (name, argument) in args.keywords {
            if macro.parameters.contains(where: { $0.name == name }) {
                guard bound[name] == nil else {
                    throw .type(message: "macro '\(macro.name)' got multiple values for argument '\(name)'", expression: "")
                }
                bound[name] = try argument.get()
            } else {
                kwargs[name] = try argument.get()
            }
        }
        bound["varargs"] = .list(varargs)
        bound["kwargs"] = .dict(kwargs)
        scopes.append(bound)
        defer { scopes.removeLast() }
        for parameter in macro.parameters where bound[parameter.name] == nil {
            if let fallback = parameter.fallback {
                let value = try eval(fallback).get()
                scopes[scopes.count - 1][parameter.name] = value
            }
        }
        var out = Output()
        try render(macro.body, into: &out)
        return .string(out.text)
    }
}
