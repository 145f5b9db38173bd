import OrderedCollections
import PlayBase

extension Filters {
    /// Lists and dicts: picking, ordering, set operations, mapping and selecting, merging.
    static let collections: [String: Function] = [
        "first": { (input, args, _) throws(TemplateError) in
            let list = try items(try input.get(), args)
            return list.first.map(Evaluated.value) ?? .undefined(.init(reason: .other("No first item, sequence was empty.")))
        },
        "last": { (input, args, _) throws(TemplateError) in
            let list = try items(try input.get(), args)
            return list.last.map(Evaluated.value) ?? .undefined(.init(reason: .other("No last item, sequence was empty.")))
        },
        "min": { (input, args, _) throws(TemplateError) in try extreme(input, args, wantMax: false) },
        "max": { (input, args, _) throws(TemplateError) in try extreme(input, args, wantMax: true) },
        "sum": plain { v, args, _ throws(TemplateError) in
            var total = try args.value(1, "start") ?? .int(0)
            let attribute = try args.string(0, "attribute")
            for item in try items(v, args) {
                let operand = try attribute.map { (a) throws(TemplateError) -> Value in try attributeOrFail(item, a) } ?? item
                total = try Python.binary(.add, total, operand)
            }
            return total
        },
        "sort": plain { v, args, _ throws(TemplateError) in
            let reverse = try args.bool(0, "reverse") ?? false
            let caseSensitive = try args.bool(1, "case_sensitive") ?? false
            let attributes = try args.string(2, "attribute")?.split(separator: ",").map { String($0).trimmingSpaces } ?? []
            let list = try items(v, args)
            var keyed: [(key: [Value], item: Value)] = []
            for item in list {
                var key: [Value] = []
                if attributes.isEmpty { key = [sortKey(item, caseSensitive)] }
                for a in attributes { key.append(sortKey(try attributeOrFail(item, a), caseSensitive)) }
                keyed.append((key, item))
            }
            var failure: TemplateError?
            let sorted = try stableSort(keyed) { a, b in
                do throws(TemplateError) {
                    let o = try Python.order(.list(a.key), .list(b.key))
                    return reverse ? o > 0 : o < 0
                } catch {
                    if failure == nil { failure = error }
                    return false
                }
            }
            if let failure { throw failure }
            return .list(sorted.map(\.item))
        },
        // Jinja's groupby: sorted by the attribute (case-insensitively unless told), then
        // `(grouper, items)` pairs; the grouper is the first item's own value.
        "groupby": plain { v, args, _ throws(TemplateError) in
            guard let path = try args.string(0, "attribute") else { throw args.error("groupby needs an attribute") }
            let fallback = try args.value(1, "default")
            let caseSensitive = try args.bool(2, "case_sensitive") ?? false
            var keyed: [(key: Value, item: Value)] = []
            for item in try items(v, args) {
                let key: Value
                if let fallback { key = try attribute(item, path) ?? fallback } else { key = try attributeOrFail(item, path) }
                keyed.append((key, item))
            }
            var failure: TemplateError?
            let sorted = try stableSort(keyed) { a, b in
                do throws(TemplateError) {
                    return try Python.order(sortKey(a.key, caseSensitive), sortKey(b.key, caseSensitive)) < 0
                } catch {
                    if failure == nil { failure = error }
                    return false
                }
            }
            if let failure { throw failure }
            var groups: [(grouper: Value, items: [Value])] = []
            for entry in sorted {
                if let last = groups.last, Python.equals(sortKey(last.grouper, caseSensitive), sortKey(entry.key, caseSensitive)) {
                    groups[groups.count - 1].items.append(entry.item)
                } else {
                    groups.append((entry.key, [entry.item]))
                }
            }
            return .list(groups.map { .list([$0.grouper, .list($0.items)]) })
        },
        "unique": plain { v, args, _ throws(TemplateError) in
            let caseSensitive = try args.bool(0, "case_sensitive") ?? false
            let attribute = try args.string(1, "attribute")
            var seen: [Value] = []
            var out: [Value] = []
            for item in try items(v, args) {
                let key = sortKey(try attribute.map { (a) throws(TemplateError) -> Value in try attributeOrFail(item, a) } ?? item, caseSensitive)
                if !seen.contains(where: { Python.equals($0, key) }) {
                    seen.append(key)
                    out.append(item)
                }
            }
            return .list(out)
        },
        "reverse": plain { v, args, _ throws(TemplateError) in
            if case .string(let s) = v { return .string(String(s.reversed())) }
            return .list(try items(v, args).reversed())
        },
        "flatten": plain { v, args, _ throws(TemplateError) in
            let levels = try args.int(0, "levels")
            let skipNulls = try args.bool(1, "skip_nulls") ?? true
            return .list(flatten(try items(v, args), levels: levels, skipNulls: skipNulls))
        },
        "map": { (input, args, ev) throws(TemplateError) in
            let list = try items(try input.get(), args)
            if let attribute = try args.string(-1, "attribute"), args.positional.isEmpty {
                let fallback = args.keyword("default")
                var out: [Value] = []
                for item in list {
                    if let a = try Filters.attribute(item, attribute) { out.append(a); continue }
                    guard let fallback else {
                        throw TemplateError.undefinedAttribute(message: "object of type '\(item.typeName)' has no attribute '\(attribute)'", expression: "")
                    }
                    out.append(try fallback.get())
                }
                return .value(.list(out))
            }
            guard let name = try args.string(0) else { throw args.error("map needs a filter name or attribute=") }
            let rest = CallArguments(.filter, name, positional: Array(args.positional.dropFirst()), keywords: args.keywords)
            var out: [Value] = []
            for item in list { out.append(try ev.applyFilter(name, item, rest)) }
            return .value(.list(out))
        },
        "select": { (input, args, ev) throws(TemplateError) in try selectItems(input, args, ev, keep: true, attribute: false) },
        "reject": { (input, args, ev) throws(TemplateError) in try selectItems(input, args, ev, keep: false, attribute: false) },
        "selectattr": { (input, args, ev) throws(TemplateError) in try selectItems(input, args, ev, keep: true, attribute: true) },
        "rejectattr": { (input, args, ev) throws(TemplateError) in try selectItems(input, args, ev, keep: false, attribute: true) },
        "combine": plain { v, args, _ throws(TemplateError) in
            var dicts: [OrderedDictionary<String, Value>] = []
            func add(_ value: Value) throws(TemplateError) {
                switch value {
                case .dict(let d): dicts.append(d)
                case .list(let l): for item in l { try add(item) }
                default: throw args.error("combine expects dictionaries, got \(value.typeName)")
                }
            }
            try add(v)
            for p in args.positional { try add(try p.get()) }
            let recursive = try args.keyword("recursive")?.get().isTruthy ?? false
            let listMerge = try args.keyword("list_merge")?.get().renderedString ?? "replace"
            guard ["replace", "keep", "append", "prepend", "append_rp", "prepend_rp"].contains(listMerge) else {
                throw args.error("'\(listMerge)' is not a valid list_merge value")
            }
            guard var result = dicts.first else { return .emptyDict }
            for d in dicts.dropFirst() { result = merge(result, d, recursive: recursive, listMerge: listMerge) }
            return .dict(result)
        },
        "dict2items": plain { v, args, _ throws(TemplateError) in
            guard case .dict(let d) = v else { throw args.error("dict2items requires a dictionary, got \(v.typeName) instead.") }
            let keyName = try args.string(0, "key_name") ?? "key"
            let valueName = try args.string(1, "value_name") ?? "value"
            return .list(d.map { .dict([keyName: .string($0.key), valueName: $0.value]) })
        },
        "items2dict": plain { v, args, _ throws(TemplateError) in
            // Keys may be names or, for lists of pairs, indexes (key_name=0, value_name=1).
            let keyName = try args.value(0, "key_name") ?? "key"
            let valueName = try args.value(1, "value_name") ?? "value"
            var out = OrderedDictionary<String, Value>()
            for item in try items(v, args) {
                guard let k = try Evaluator.item(item, keyName), let key = Python.dictKey(k),
                      let value = try Evaluator.item(item, valueName) else {
                    throw args.error("items2dict requires a list of dictionaries with '\(keyName.renderedString)' and '\(valueName.renderedString)' keys")
                }
                out[key] = value
            }
            return .dict(out)
        },
        "dictsort": plain { v, args, _ throws(TemplateError) in
            guard case .dict(let d) = v else { throw args.error("you can only sort dicts, got \(v.typeName)") }
            let caseSensitive = try args.bool(0, "case_sensitive") ?? false
            let byValue = (try args.string(1, "by") ?? "key") == "value"
            let reverse = try args.bool(2, "reverse") ?? false
            let pairs = d.map { (key: $0.key, value: $0.value) }
            var failure: TemplateError?
            let sorted = try stableSort(pairs) { a, b in
                let x = sortKey(byValue ? a.value : .string(a.key), caseSensitive)
                let y = sortKey(byValue ? b.value : .string(b.key), caseSensitive)
                do throws(TemplateError) {
                    let o = try Python.order(x, y)
                    return reverse ? o > 0 : o < 0
                } catch {
                    if failure == nil { failure = error }
                    return false
                }
            }
            if let failure { throw failure }
            return .list(sorted.map { .list([.string($0.key), $0.value]) })
        },
        "zip": plain { v, args, _ throws(TemplateError) in
            var lists = [try items(v, args)]
            for p in args.positional { lists.append(try items(try p.get(), args)) }
            let n = lists.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .list(lists.map { $0[i] }) })
        },
        "zip_longest": plain { v, args, _ throws(TemplateError) in
            var lists = [try items(v, args)]
            for p in args.positional { lists.append(try items(try p.get(), args)) }
            let fill = try args.keyword("fillvalue")?.get() ?? .null
            let n = lists.map(\.count).max() ?? 0
            return .list((0..<n).map { i in .list(lists.map { i < $0.count ? $0[i] : fill }) })
        },
        "product": plain { v, args, _ throws(TemplateError) in
            var lists = [try items(v, args)]
            for p in args.positional { lists.append(try items(try p.get(), args)) }
            var result: [[Value]] = [[]]
            for list in lists { result = result.flatMap { prefix in list.map { prefix + [$0] } } }
            return .list(result.map { .list($0) })
        },
        "difference": plain { v, args, _ throws(TemplateError) in
            let other = try items(try args.required(0, "b"), args)
            return .list(uniqueItems(try items(v, args).filter { x in !other.contains { Python.equals($0, x) } }))
        },
        "intersect": plain { v, args, _ throws(TemplateError) in
            let other = try items(try args.required(0, "b"), args)
            return .list(uniqueItems(try items(v, args).filter { x in other.contains { Python.equals($0, x) } }))
        },
        "union": plain { v, args, _ throws(TemplateError) in
            .list(uniqueItems(try items(v, args) + items(try args.required(0, "b"), args)))
        },
        "symmetric_difference": plain { v, args, _ throws(TemplateError) in
            let a = try items(v, args), b = try items(try args.required(0, "b"), args)
            let both = a.filter { x in b.contains { Python.equals($0, x) } }
            return .list(uniqueItems((a + b).filter { x in !both.contains { Python.equals($0, x) } }))
        },
        "batch": plain { v, args, _ throws(TemplateError) in
            guard let size = try args.int(0, "linecount"), size > 0 else { throw args.error("batch needs a positive size") }
            let fill = try args.value(1, "fill_with")
            var list = try items(v, args)
            var out: [Value] = []
            while !list.isEmpty {
                var chunk = Array(list.prefix(size))
                list.removeFirst(chunk.count)
                if let fill, chunk.count < size { chunk += Array(repeating: fill, count: size - chunk.count) }
                out.append(.list(chunk))
            }
            return .list(out)
        },
        "extract": plain { v, args, _ throws(TemplateError) in
            let container = try args.required(0, "container")
            guard var current = try Evaluator.item(container, v) else {
                throw TemplateError.undefinedAttribute(message: "object of type '\(container.typeName)' has no attribute \(v.pythonRepr)", expression: "")
            }
            if let more = try args.value(1, "morekeys") {
                for key in more.listValue ?? [more] {
                    guard let next = try Evaluator.item(current, key) else {
                        throw TemplateError.undefinedAttribute(message: "object of type '\(current.typeName)' has no attribute \(key.pythonRepr)", expression: "")
                    }
                    current = next
                }
            }
            return current
        },
        "subelements": plain { v, args, _ throws(TemplateError) in
            guard let path = try args.string(0, "subelements") else { throw args.error("subelements needs a key") }
            let skipMissing = try args.bool(1, "skip_missing") ?? false
            var out: [Value] = []
            for item in try items(v, args) {
                guard let sub = try attribute(item, path) else {
                    if skipMissing { continue }
                    throw args.error("could not find '\(path)' key in iterated item '\(item.pythonRepr)'")
                }
                guard case .list(let subs) = sub else { throw args.error("the key '\(path)' should point to a list, got '\(sub.pythonRepr)'") }
                for s in subs { out.append(.list([item, s])) }
            }
            return .list(out)
        },
    ]

    static func attributeOrFail(_ item: Value, _ path: String) throws(TemplateError) -> Value {
        guard let a = try attribute(item, path) else {
            throw TemplateError.undefinedAttribute(message: "object of type '\(item.typeName)' has no attribute '\(path)'", expression: "")
        }
        return a
    }

    /// Jinja compares strings case-insensitively unless told otherwise.
    static func sortKey(_ v: Value, _ caseSensitive: Bool) -> Value {
        if !caseSensitive, case .string(let s) = v { return .string(s.lowercased()) }
        return v
    }

    /// A merge sort, so equal keys keep their order as Python's sorted() does.
    static func stableSort<T>(_ items: [T], by less: (T, T) throws(TemplateError) -> Bool) throws(TemplateError) -> [T] {
        guard items.count > 1 else { return items }
        let mid = items.count / 2
        let left = try stableSort(Array(items[..<mid]), by: less)
        let right = try stableSort(Array(items[mid...]), by: less)
        var out: [T] = []
        out.reserveCapacity(items.count)
        var i = 0, j = 0
        while i < left.count, j < right.count {
            if try less(right[j], left[i]) { out.append(right[j]); j += 1 } else { out.append(left[i]); i += 1 }
        }
        out += left[i...]
        out += right[j...]
        return out
    }

    static func uniqueItems(_ list: [Value]) -> [Value] {
        var out: [Value] = []
        for item in list where !out.contains(where: { Python.equals($0, item) }) { out.append(item) }
        return out
    }

    static func flatten(_ list: [Value], levels: Int?, skipNulls: Bool) -> [Value] {
        var out: [Value] = []
        for item in list {
            if skipNulls, item == .null || item == .string("None") { continue }
            if case .list(let inner) = item, levels.map({ $0 > 0 }) ?? true {
                out += flatten(inner, levels: levels.map { $0 - 1 }, skipNulls: skipNulls)
            } else {
                out.append(item)
            }
        }
        return out
    }

    static func merge(_ a: OrderedDictionary<String, Value>, _ b: OrderedDictionary<String, Value>, recursive: Bool, listMerge: String)
        -> OrderedDictionary<String, Value>
    {
        var result = a
        for (k, new) in b {
            guard let old = result[k] else { result[k] = new; continue }
            switch (old, new) {
            case (.dict(let x), .dict(let y)) where recursive:
                result[k] = .dict(merge(x, y, recursive: true, listMerge: listMerge))
            case (.list(let x), .list(let y)):
                switch listMerge {
                case "keep": result[k] = old
                case "append": result[k] = .list(x + y)
                case "prepend": result[k] = .list(y + x)
                case "append_rp": result[k] = .list(x.filter { i in !y.contains { Python.equals($0, i) } } + y)
                case "prepend_rp": result[k] = .list(y + x.filter { i in !y.contains { Python.equals($0, i) } })
                default: result[k] = new
                }
            default:
                result[k] = new
            }
        }
        return result
    }

    private static func extreme(_ input: Evaluated, _ args: CallArguments, wantMax: Bool) throws(TemplateError) -> Evaluated {
        let caseSensitive = try args.bool(0, "case_sensitive") ?? false
        let attribute = try args.string(1, "attribute")
        var best: (key: Value, item: Value)?
        for item in try items(try input.get(), args) {
            let key = sortKey(try attribute.map { (a) throws(TemplateError) -> Value in try attributeOrFail(item, a) } ?? item, caseSensitive)
            if let current = best {
                let o = try Python.order(key, current.key)
                if wantMax ? o > 0 : o < 0 { best = (key, item) }
            } else {
                best = (key, item)
            }
        }
        return best.map { .value($0.item) } ?? .undefined(.init(reason: .other("No aggregated item, sequence was empty.")))
    }

    private static func selectItems(_ input: Evaluated, _ args: CallArguments, _ ev: Evaluator, keep: Bool, attribute: Bool)
        throws(TemplateError) -> Evaluated
    {
        let list = try items(try input.get(), args)
        var rest = args.positional
        var path: String?
        if attribute {
            guard !rest.isEmpty, case .string(let p) = try rest.removeFirst().get() else {
                throw args.error("\(args.name) needs an attribute name")
            }
            path = p
        }
        var testName: String?
        if !rest.isEmpty { testName = try rest.removeFirst().get().renderedString }
        let testArgs = CallArguments(.test, testName ?? "", positional: rest, keywords: args.keywords)
        var out: [Value] = []
        for item in list {
            var subject: Evaluated = .value(item)
            if let path {
                subject = try Filters.attribute(item, path).map(Evaluated.value) ?? .undefined(.missingAttribute(of: item, path))
            }
            let passed: Bool
            if let testName {
                passed = try ev.applyTest(testName, subject, testArgs)
            } else {
                passed = try subject.get().isTruthy
            }
            if passed == keep { out.append(item) }
        }
        return .value(.list(out))
    }
}
