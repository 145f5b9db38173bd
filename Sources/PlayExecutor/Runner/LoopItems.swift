import Foundation
import OrderedCollections
import PlayBase
import PlayTemplating
import PlayLanguage

/// Turns a rendered `loop:` / `with_*:` value into the list of items, as each lookup does in Ansible.
enum LoopItems {
    struct Failure: Error { var message: String }

    /// `query` runs a lookup plugin on terms (for `with_file`, `with_first_found`).
    static func items(_ value: Value, kind: LoopKind, baseDirectory: String,
                      query: (String, [Value]) throws -> [Value]) throws -> [Value] {
        if let plugin = kind.lookupPlugin { return try query(plugin, value.listValue ?? [value]) }
        switch kind {
        case .loop:
            guard case .list(let l) = value else {
                throw Failure(message: "Invalid data passed to 'loop', it requires a list, got this instead: \(value.renderedString). Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.")
            }
            return l
        case .withList:
            return value.listValue ?? [value]
        case .withItems:
            // with_items flattens one level.
            return (value.listValue ?? [value]).flatMap { $0.listValue ?? [$0] }
        case .withFlattened:
            return flatten(value)
        case .withDict:
            guard case .dict(let d) = value else {
                throw Failure(message: "with_dict expects a dict, got \(value.typeName)")
            }
            return d.map { .dict(["key": .string($0.key), "value": $0.value]) }
        case .withIndexedItems:
            return (value.listValue ?? [value]).enumerated().map { .list([.int($0.offset), $0.element]) }
        case .withTogether:
            let lists = (value.listValue ?? []).map { $0.listValue ?? [$0] }
            let n = lists.map(\.count).max() ?? 0
            return (0..<n).map { i in .list(lists.map { i < $0.count ? $0[i] : .null }) }
        case .withNested:
            let lists = (value.listValue ?? []).map { $0.listValue ?? [$0] }
            var product: [[Value]] = [[]]
            for l in lists { product = product.flatMap { prefix in l.map { prefix + [$0] } } }
            return lists.isEmpty ? [] : product.map(Value.list)
        case .withSequence:
            return try Lookups.sequence(value.renderedString)
        case .withSubelements:
            guard let parts = value.listValue, parts.count >= 2, let parents = parts[0].listValue else {
                throw Failure(message: "with_subelements expects [list_of_dicts, 'subkey']")
            }
            let key = parts[1].renderedString
            // Like Ansible's lookup (not the filter), the parent is shown without the key it
            // iterates: `[{'name': 'alice'}, 'k1']`.
            return parents.flatMap { parent -> [Value] in
                guard case .dict(var rest) = parent else { return [] }
                let subs = rest.removeValue(forKey: key)?.listValue ?? []
                return subs.map { .list([.dict(rest), $0]) }
            }
        case .withFileglob:
            return (value.listValue ?? [value]).flatMap { glob($0.renderedString, baseDirectory: baseDirectory) }
        case .withRandomChoice:
            let l = value.listValue ?? [value]
            return l.randomElement().map { [$0] } ?? []
        case .withFile, .withFirstFound:
            return []  // answered by `query` above
        }
    }

    static func flatten(_ v: Value) -> [Value] {
        guard case .list(let l) = v else { return [v] }
        return l.flatMap(flatten)
    }

    static func glob(_ pattern: String, baseDirectory: String) -> [Value] {
        let full = pattern.hasPrefix("/") ? pattern : "\(baseDirectory)/files/\(pattern)"
        var g = glob_t()
        defer { globfree(&g) }
        guard Foundation.glob(full, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { i in g.gl_pathv[i].map { .string(String(cString: $0)) } }
    }
}
