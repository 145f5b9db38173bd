import PlayBase

/// Evaluated arguments of a filter, test, lookup, global function or method call, with accessors
/// that take an argument by position or by keyword as Python would bind it.
struct CallArguments {
    enum Kind { case filter, test, function, method, lookup }

    var kind: Kind
    var name: String
    var positional: [Evaluated]
    var keywords: [(String, Evaluated)]

    init(_ kind: Kind, _ name: String, positional: [Evaluated] = [], keywords: [(String, Evaluated)] = []) {
        self.kind = kind
        self.name = name
        self.positional = positional
        self.keywords = keywords
    }

    var count: Int { positional.count + keywords.count }

    func keyword(_ name: String) -> Evaluated? {
        keywords.first { $0.0 == name }?.1
    }

    /// The argument at `index` (counting after the input) or under `keyword`, nil when not given.
    func evaluated(_ index: Int, _ keyword: String? = nil) -> Evaluated? {
        if index >= 0, index < positional.count { return positional[index] }
        if let keyword { return self.keyword(keyword) }
        return nil
    }

    func value(_ index: Int, _ keyword: String? = nil) throws(TemplateError) -> Value? {
        guard let e = evaluated(index, keyword) else { return nil }
        return try e.get()
    }

    func required(_ index: Int, _ keyword: String) throws(TemplateError) -> Value {
        guard let v = try value(index, keyword) else { throw error("missing required argument '\(keyword)'") }
        return v
    }

    func string(_ index: Int, _ keyword: String? = nil) throws(TemplateError) -> String? {
        guard let v = try value(index, keyword) else { return nil }
        if case .null = v { return nil }
        return v.renderedString
    }

    func int(_ index: Int, _ keyword: String? = nil) throws(TemplateError) -> Int? {
        guard let v = try value(index, keyword) else { return nil }
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .double(let d) where d == d.rounded(): return Int(d)
        case .string(let s): if let i = Int(s.trimmingSpaces) { return i }
        default: break
        }
        throw error("expected an integer for '\(keyword ?? "argument \(index + 1)")', got \(v.typeName)")
    }

    func bool(_ index: Int, _ keyword: String? = nil) throws(TemplateError) -> Bool? {
        guard let v = try value(index, keyword) else { return nil }
        return v.isTruthy
    }

    func error(_ message: String) -> TemplateError {
        switch kind {
        case .filter: return .filter(name: name, message: message)
        case .test: return .test(name: name, message: message)
        case .lookup: return .lookup(name: name, message: message)
        case .function, .method: return .type(message: "\(name)(): \(message)", expression: "")
        }
    }
}

extension String {
    /// Leading and trailing whitespace removed (Python's str.strip() without arguments).
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
