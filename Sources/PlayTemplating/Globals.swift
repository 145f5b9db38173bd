import OrderedCollections
import PlayBase

/// Functions templates can call by name: Jinja's `range`, `dict`, `namespace` and Ansible's
/// `lookup`, `query`/`q`.
enum Globals {
    typealias Function = @Sendable (CallArguments, Evaluator) throws(TemplateError) -> Evaluated

    static let table: [String: Function] = [
        "range": range,
        "dict": dictionary,
        "namespace": dictionary,
        "lookup": { (args, ev) throws(TemplateError) in try lookup(args, ev, wantList: false) },
        "query": { (args, ev) throws(TemplateError) in try lookup(args, ev, wantList: true) },
        "q": { (args, ev) throws(TemplateError) in try lookup(args, ev, wantList: true) },
    ]

    /// Jinja refuses ranges this long, to keep a typo from eating the memory.
    static let maxRange = 100_000

    private static func range(_ args: CallArguments, _ ev: Evaluator) throws(TemplateError) -> Evaluated {
        var bounds: [Int] = []
        for i in 0..<args.positional.count { bounds.append(try args.int(i)!) }
        let start, stop, step: Int
        switch bounds.count {
        case 1: (start, stop, step) = (0, bounds[0], 1)
        case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
        case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
        default: throw args.error("range expected 1 to 3 integer arguments, got \(bounds.count)")
        }
        guard step != 0 else { throw args.error("range() arg 3 must not be zero") }
        let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
        guard count <= maxRange else { throw args.error("Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).") }
        return .value(.list(Swift.stride(from: start, to: stop, by: step).map { .int($0) }))
    }

    private static func dictionary(_ args: CallArguments, _ ev: Evaluator) throws(TemplateError) -> Evaluated {
        var out = OrderedDictionary<String, Value>()
        if let first = try args.value(0) {
            switch first {
            case .dict(let d): out = d
            case .list(let pairs):
                for pair in pairs {
                    guard case .list(let kv) = pair, kv.count == 2, let k = Python.dictKey(kv[0]) else {
                        throw args.error("dictionary update sequence element has wrong shape; need [key, value] pairs")
                    }
                    out[k] = kv[1]
                }
            default:
                throw args.error("'\(first.typeName)' object is not iterable")
            }
        }
        for (k, v) in args.keywords { out[k] = try v.get() }
        return .value(.dict(out))
    }

    private static func lookup(_ args: CallArguments, _ ev: Evaluator, wantList: Bool) throws(TemplateError) -> Evaluated {
        guard let name = try args.string(0) else { throw args.error("lookup needs a plugin name, as in lookup('env', 'HOME')") }
        var terms: [Value] = []
        for e in args.positional.dropFirst() { terms.append(try e.get()) }
        // One list argument is the list of terms, as in query('list', my_list).
        if terms.count == 1, case .list(let l) = terms[0] { terms = l }
        var options: [String: Value] = [:]
        var wantList = wantList
        for (k, v) in args.keywords {
            if k == "wantlist" { wantList = try v.get().isTruthy; continue }
            options[k] = try v.get()
        }
        let plugin = ExpressionParser.shortName(name)
        let results = try Lookups.run(plugin, terms: terms, options: options, evaluator: ev)
        // An empty result is an empty list even from lookup(), as in Ansible (first_found's skip).
        if wantList || results.isEmpty { return .value(.list(results)) }
        if results.count == 1 { return .value(results[0]) }
        if results.allSatisfy({ $0.stringValue != nil }) {
            return .value(.string(results.map(\.renderedString).joined(separator: ",")))
        }
        return .value(.list(results))
    }
}
