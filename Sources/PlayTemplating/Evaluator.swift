import OrderedCollections
import PlayBase

/// Evaluates parsed templates and expressions for one rendering call. Holds the template's local
/// scopes (`{% for %}`, `{% set %}`) and a memo of variables already rendered, so a variable used
/// many times in one template is rendered once.
final class Evaluator {
    let templar: Templar
    let vars: any VariableLookup
    /// Local template variables, innermost last.
    var scopes: [[String: Value]] = [[:]]
    /// Macros the template defined so far (`{% macro %}`), by name.
    var macros: [String: Template.Macro] = [:]
    /// Paths of variables being rendered right now, to detect self-reference.
    var resolving: [String] = []
    var memo: [String: (Evaluated, lazy: Bool)] = [:]
    /// The text being rendered, for error messages.
    var source = ""

    static let maxNesting = 64

    init(templar: Templar, vars: any VariableLookup) {
        self.templar = templar
        self.vars = vars
    }

    // MARK: Templates

    /// Renders template text; with `native`, a text that is one `{{ expr }}` yields the value itself.
    func render(text: String, native: Bool, decodeEscapes: Bool) throws(TemplateError) -> Value {
        let template = try templar.cache.template(text, decodeEscapes: decodeEscapes)
        if let constant = template.constantText {
            return .string(template.trailingNewline ? constant + "\n" : constant)
        }
        let outerSource = source
        source = text
        defer { source = outerSource }
        do {
            if native, let single = template.singleExpression {
                return template.restoringTrailingNewlines(Templar.removingOmitted(try eval(single).get()))
            }
            var out = Output()
            try render(template.nodes, into: &out)
            // Jinja's native mode: a template that produced exactly one piece yields it as is.
            if native, out.pieces == 1, let only = out.first { return template.restoringTrailingNewlines(Templar.removingOmitted(only)) }
            if native, out.pieces == 0 { return .null }
            return .string(template.restoringTrailingNewlines(out.text))
        } catch {
            throw error.within(text)
        }
    }

    /// Rendered text, and the first piece's value for native results.
    struct Output {
        var text = ""
        var pieces = 0
        var first: Value?

        mutating func append(_ value: Value) {
            pieces += 1
            if pieces == 1 { first = value }
            text += Evaluator.outputText(value)
        }
    }

    func render(_ nodes: [Template.Node], into out: inout Output) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let t):
                out.append(.string(t))
            case .output(let e):
                let result = try eval(e)
                if case .undefined(let u) = result, u.printsAsEmpty { continue }
                out.append(try result.get())
            case .ifBlock(let branches, let otherwise):
                var taken = false
                for (condition, body) in branches where try truthy(eval(condition)) {
                    try render(body, into: &out)
                    taken = true
                    break
                }
                if !taken, let otherwise { try render(otherwise, into: &out) }
            case .forBlock(let targets, let iterable, let filter, let body, let otherwise):
                try renderFor(targets: targets, iterable: iterable, filter: filter, body: body, otherwise: otherwise, into: &out)
            case .set(let target, let e):
                try assign(target, try eval(e).get())
            case .setBlock(let name, let body):
                var text = Output()
                try render(body, into: &text)
                scopes[scopes.count - 1][name] = .string(text.text)
            case .macro(let macro):
                macros[macro.name] = macro
            }
        }
    }

    /// How a value reads inside text. None prints as nothing (Ansible 2.19's finalize), other
    /// non-strings as Python's str().
    static func outputText(_ v: Value) -> String {
        if case .null = v { return "" }
        return v.renderedString
    }

    private func renderFor(targets: [String], iterable: TemplateExpression, filter: TemplateExpression?, body: [Template.Node],
                           otherwise: [Template.Node]?, into out: inout Output) throws(TemplateError) {
        var items = try Python.iterate(try eval(iterable).get())
        scopes.append([:])
        defer { scopes.removeLast() }
        if let filter {
            var kept: [Value] = []
            for item in items {
                try bind(targets, item)
                if try truthy(eval(filter)) { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            if let otherwise { try render(otherwise, into: &out) }
            return
        }
        let length = items.count
        for (i, item) in items.enumerated() {
            try bind(targets, item)
            var loop: OrderedDictionary<String, Value> = [
                "index": .int(i + 1), "index0": .int(i), "revindex": .int(length - i), "revindex0": .int(length - i - 1),
                "first": .bool(i == 0), "last": .bool(i == length - 1), "length": .int(length), "depth": 1, "depth0": 0,
            ]
            if i > 0 { loop["previtem"] = items[i - 1] }
            if i + 1 < length { loop["nextitem"] = items[i + 1] }
            scopes[scopes.count - 1]["loop"] = .dict(loop)
            try render(body, into: &out)
        }
    }

    private func bind(_ targets: [String], _ item: Value) throws(TemplateError) {
        if targets.count == 1 {
            scopes[scopes.count - 1][targets[0]] = item
            return
        }
        let parts = try Python.iterate(item)
        guard parts.count == targets.count else {
            throw .type(message: parts.count > targets.count ? "too many values to unpack (expected \(targets.count))" :
                "not enough values to unpack (expected \(targets.count), got \(parts.count))", expression: "")
        }
        for (t, v) in zip(targets, parts) { scopes[scopes.count - 1][t] = v }
    }

    private func assign(_ target: Template.SetTarget, _ value: Value) throws(TemplateError) {
        switch target {
        case .names(let names):
            try bind(names, value)
        case .attribute(let name, let attribute):
            guard let i = scopes.lastIndex(where: { $0[name] != nil }), case .dict(var d) = scopes[i][name]! else {
                throw .type(message: "cannot assign attribute on non-namespace object '\(name)'", expression: "")
            }
            d[attribute] = value
            scopes[i][name] = .dict(d)
        }
    }

    // MARK: Expressions

    func truthy(_ e: Evaluated) throws(TemplateError) -> Bool {
        try e.get().isTruthy
    }

    func eval(_ expression: TemplateExpression) throws(TemplateError) -> Evaluated {
        switch expression {
        case .name, .attribute, .item:
            let (result, lazy) = try evalPath(expression)
            guard lazy, case .value(let v) = result else { return result }
            return try renderLazy(v, path: Self.pathKey(expression))
        case .literal(let v):
            return .value(v)
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try eval(item).get()) }
            return .value(.list(out))
        case .dict(let pairs):
            var out = OrderedDictionary<String, Value>()
            for (k, v) in pairs {
                let key = try eval(k).get()
                guard let name = Python.dictKey(key) else {
                    throw .type(message: "dict keys must be strings or numbers, not \(key.typeName)", expression: "")
                }
                out[name] = try eval(v).get()
            }
            return .value(.dict(out))
        case .slice(let base, let start, let stop, let step):
            let b = try eval(base)
            guard case .value(let v) = b else { return b }
            return .value(try Slicing.slice(v, start: try optionalInt(start), stop: try optionalInt(stop), step: try optionalInt(step)))
        case .call(let callee, let args, _):
            return try call(callee, args)
        case .filter(let base, let name, let args, _):
            let input = try eval(base)
            let arguments = try evalArguments(args, kind: .filter, name: name)
            return try Filters.table[name]!(input, arguments, self)
        case .test(let base, let name, let args, let negated, _):
            let input = try eval(base)
            let arguments = try evalArguments(args, kind: .test, name: name)
            let result = try TestFunctions.table[name]!(input, arguments, self)
            return .value(.bool(result != negated))
        case .negate(let e):
            return .value(try Python.negate(try eval(e).get()))
        case .plus(let e):
            let v = try eval(e).get()
            guard Python.isNumber(v) else { throw .type(message: "bad operand type for unary +: '\(v.typeName)'", expression: "") }
            return .value(v)
        case .not(let e):
            return .value(.bool(!(try truthy(eval(e)))))
        case .and(let l, let r):
            let left = try eval(l)
            return try truthy(left) ? try eval(r) : left
        case .or(let l, let r):
            let left = try eval(l)
            return try truthy(left) ? left : try eval(r)
        case .binary(let op, let l, let r, _):
            let left = try eval(l).get()
            let right = try eval(r).get()
            return .value(try Python.binary(op, left, right))
        case .compare(let first, let chain, _):
            var left = try eval(first).get()
            for (op, rightExpression) in chain {
                let right = try eval(rightExpression).get()
                guard try Python.compare(op, left, right) else { return .value(.bool(false)) }
                left = right
            }
            return .value(.bool(true))
        case .conditional(let condition, let then, let otherwise):
            if try truthy(eval(condition)) { return try eval(then) }
            if let otherwise { return try eval(otherwise) }
            return .undefined(.init(reason: .silent("the inline if-expression was false and has no else branch")))
        }
    }

    private func optionalInt(_ e: TemplateExpression?) throws(TemplateError) -> Int? {
        guard let e else { return nil }
        let v = try eval(e).get()
        switch v {
        case .null: return nil
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw .type(message: "slice indices must be integers or None, not \(v.typeName)", expression: "")
        }
    }

    func evalArguments(_ args: TemplateExpression.Arguments, kind: CallArguments.Kind, name: String) throws(TemplateError) -> CallArguments {
        var out = CallArguments(kind, name)
        if args.isEmpty { return out }
        out.positional.reserveCapacity(args.positional.count)
        for a in args.positional { out.positional.append(try eval(a)) }
        for (k, a) in args.keywords { out.keywords.append((k, try eval(a))) }
        return out
    }

    private func call(_ callee: TemplateExpression, _ args: TemplateExpression.Arguments) throws(TemplateError) -> Evaluated {
        switch callee {
        case .attribute(.name(let name, _), let method) where Methods.mutating.contains(method):
            return try callMutating(name, method, try evalArguments(args, kind: .method, name: method))
        case .attribute(let base, let method):
            let target = try eval(base).get()
            let arguments = try evalArguments(args, kind: .method, name: method)
            return try Methods.call(target, method, arguments, self)
        case .name(let name, _):
            if let macro = macros[name] {
                return .value(try callMacro(macro, try evalArguments(args, kind: .function, name: name)))
            }
            if let global = Globals.table[name] {
                return try global(try evalArguments(args, kind: .function, name: name), self)
            }
            let (found, _) = try evalPath(callee)
            if case .value(let v) = found { throw .type(message: "'\(v.typeName)' object is not callable", expression: "") }
            throw TemplateError.undefinedVariable(name: name, expression: "")
        default:
            let v = try eval(callee).get()
            throw .type(message: "'\(v.typeName)' object is not callable", expression: "")
        }
    }

    /// `{% set _ = names.append(x) %}`: Jinja lets templates change a list or dict in place. The
    /// change lands in the template's local copy (variables from outside are copied in first), so
    /// it is seen for the rest of this rendering and nowhere else.
    private func callMutating(_ name: String, _ method: String, _ args: CallArguments) throws(TemplateError) -> Evaluated {
        let index: Int
        if let i = scopes.lastIndex(where: { $0[name] != nil }) {
            index = i
        } else {
            let current = try eval(.name(name, offset: 0)).get()
            scopes[0][name] = current
            index = 0
        }
        var target = scopes[index][name]!
        let result = try Methods.mutate(&target, method, args)
        scopes[index][name] = target
        return .value(result)
    }

    // MARK: Callbacks for filters and tests

    /// Applies a filter by name to a value (for `map('filter')`).
    func applyFilter(_ name: String, _ input: Value, _ args: CallArguments) throws(TemplateError) -> Value {
        let short = ExpressionParser.shortName(name)
        guard let filter = Filters.table[short] else {
            let note = Suggestions.closest(to: short, in: Filters.table.keys).map { " Did you mean '\($0)'?" } ?? ""
            throw .filter(name: short, message: "No filter named '\(name)'.\(note)")
        }
        var renamed = args
        renamed.kind = .filter
        renamed.name = short
        return try filter(.value(input), renamed, self).get()
    }

    /// Applies a test by name to a value (for `select('test')`).
    func applyTest(_ name: String, _ input: Evaluated, _ args: CallArguments) throws(TemplateError) -> Bool {
        let short = ExpressionParser.shortName(name)
        guard let test = TestFunctions.table[short] else {
            let note = Suggestions.closest(to: short, in: TestFunctions.table.keys).map { " Did you mean '\($0)'?" } ?? ""
            throw .test(name: short, message: "No test named '\(name)'.\(note)")
        }
        var renamed = args
        renamed.kind = .test
        renamed.name = short
        return try test(input, renamed, self)
    }
}
