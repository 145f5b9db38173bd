import OrderedCollections
import PlayBase

/// Names and paths: variables, attribute and item access, lazily templated variables.
extension Evaluator {
    /// Evaluates `a`, `a.b`, `a['b'][0]` without rendering the parts that are not used. The flag
    /// says the value came from templated variables and may still hold templates inside.
    func evalPath(_ expression: TemplateExpression) throws(TemplateError) -> (Evaluated, lazy: Bool) {
        switch expression {
        case .name(let name, _):
            return try resolve(name)
        case .attribute(let base, let attribute):
            let (b, lazy) = try evalPathOrValue(base)
            guard case .value(let container) = b else { return (b, false) }
            guard let member = Self.member(container, attribute) else {
                return (.undefined(.missingAttribute(of: container, attribute)), false)
            }
            return try settle(member, lazy: lazy, path: Self.pathKey(expression))
        case .item(let base, let keyExpression):
            let (b, lazy) = try evalPathOrValue(base)
            guard case .value(let container) = b else { return (b, false) }
            let key = try eval(keyExpression).get()
            guard let member = try Self.item(container, key) else {
                return (.undefined(.missingItem(of: container, key)), false)
            }
            return try settle(member, lazy: lazy, path: Self.pathKey(expression))
        default:
            return (try eval(expression), false)
        }
    }

    func evalPathOrValue(_ e: TemplateExpression) throws(TemplateError) -> (Evaluated, lazy: Bool) {
        e.isPath ? try evalPath(e) : (try eval(e), false)
    }

    /// A member of a lazy container: a template string is rendered now, a container stays lazy.
    func settle(_ member: Value, lazy: Bool, path: String) throws(TemplateError) -> (Evaluated, lazy: Bool) {
        guard lazy else { return (.value(member), false) }
        switch member {
        case .string(let s):
            guard Templar.containsTemplate(s) else { return (.value(member), false) }
            return (try renderVariable(s, path: path), false)
        case .list, .dict:
            return (.value(member), true)
        default:
            return (.value(member), false)
        }
    }

    /// `x.name`: a dict key (Jinja tries attributes first, but dicts have no data attributes).
    static func member(_ container: Value, _ name: String) -> Value? {
        switch container {
        case .dict(let d): return d[name]
        default: return nil
        }
    }

    /// `x[key]`: dict key, list or string index.
    static func item(_ container: Value, _ key: Value) throws(TemplateError) -> Value? {
        switch container {
        case .dict(let d):
            guard let k = Python.dictKey(key) else { return nil }
            return d[k]
        case .list(let l):
            // Careful: Value is ExpressibleByNilLiteral, so a bare `nil` in a ternary would be `.null`.
            let i: Int
            switch key {
            case .int(let n): i = n
            case .bool(let b): i = b ? 1 : 0
            default: return Optional.none
            }
            let index = i < 0 ? l.count + i : i
            guard l.indices.contains(index) else { return Optional.none }
            return l[index]
        case .string(let s):
            guard case .int(let i) = key else { return nil }
            let count = s.count
            let index = i < 0 ? count + i : i
            guard index >= 0, index < count else { return nil }
            return .string(String(s[s.index(s.startIndex, offsetBy: index)]))
        default:
            return nil
        }
    }

    /// A name: template locals first, then the variables (rendered on first use), then `omit`.
    func resolve(_ name: String) throws(TemplateError) -> (Evaluated, lazy: Bool) {
        for scope in scopes.reversed() {
            if let v = scope[name] { return (.value(v), false) }
        }
        if let known = memo[name] { return known }
        let result: (Evaluated, lazy: Bool)
        if let raw = vars.lookup(name) {
            if !vars.isTemplated(name) {
                result = (.value(raw), false)
            } else {
                switch raw {
                case .string(let s) where Templar.containsTemplate(s):
                    result = (try renderVariable(s, path: name), false)
                case .list, .dict:
                    result = (.value(raw), Self.containsTemplate(raw))
                default:
                    result = (.value(raw), false)
                }
            }
        } else if name == "omit" {
            result = (.value(.string(Templar.omitToken)), false)
        } else {
            result = (.undefined(.variable(name)), false)
        }
        memo[name] = result
        return result
    }

    /// Renders a template string found in the variables, against the variables alone (not the
    /// template's locals), as Ansible does. Undefined inside it makes the variable undefined.
    func renderVariable(_ text: String, path: String) throws(TemplateError) -> Evaluated {
        if resolving.contains(path) || resolving.count >= Self.maxNesting {
            throw .recursion(name: resolving.first ?? path)
        }
        resolving.append(path)
        let savedScopes = scopes
        scopes = [[:]]
        defer {
            resolving.removeLast()
            scopes = savedScopes
        }
        do {
            return .value(try render(text: text, native: true, decodeEscapes: false))
        } catch {
            if let undefined = error.asUndefined { return .undefined(undefined) }
            throw error
        }
    }

    /// Renders every template string inside a container from the variables.
    func renderLazy(_ value: Value, path: String) throws(TemplateError) -> Evaluated {
        switch value {
        case .string(let s) where Templar.containsTemplate(s):
            return try renderVariable(s, path: path)
        case .list(let l):
            var out: [Value] = []
            out.reserveCapacity(l.count)
            for (i, item) in l.enumerated() {
                let r = try renderLazy(item, path: "\(path)[\(i)]")
                guard case .value(let v) = r else { return r }
                out.append(v)
            }
            return .value(.list(out))
        case .dict(let d):
            var out = OrderedDictionary<String, Value>()
            out.reserveCapacity(d.count)
            for (k, item) in d {
                let r = try renderLazy(item, path: "\(path).\(k)")
                guard case .value(let v) = r else { return r }
                out[k] = v
            }
            return .value(.dict(out))
        default:
            return .value(value)
        }
    }

    static func containsTemplate(_ value: Value) -> Bool {
        switch value {
        case .string(let s): return Templar.containsTemplate(s)
        case .list(let l): return l.contains { containsTemplate($0) }
        case .dict(let d): return d.values.contains { containsTemplate($0) }
        default: return false
        }
    }

    /// A stable name for a variable path, for recursion detection.
    static func pathKey(_ e: TemplateExpression) -> String {
        switch e {
        case .name(let n, _): return n
        case .attribute(let b, let a): return pathKey(b) + "." + a
        case .item(let b, .literal(let k)): return pathKey(b) + "[" + k.pythonRepr + "]"
        case .item(let b, _): return pathKey(b) + "[?]"
        default: return "<expression>"
        }
    }
}
