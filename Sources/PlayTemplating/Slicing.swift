import PlayBase

/// Python's `seq[start:stop:step]` on lists and strings.
enum Slicing {
    static func slice(_ value: Value, start: Int?, stop: Int?, step: Int?) throws(TemplateError) -> Value {
        switch value {
        case .list(let l):
            return .list(try indices(count: l.count, start: start, stop: stop, step: step).map { l[$0] })
        case .string(let s):
            let chars = Array(s)
            return .string(String(try indices(count: chars.count, start: start, stop: stop, step: step).map { chars[$0] }))
        default:
            throw .type(message: "'\(value.typeName)' object is not subscriptable", expression: "")
        }
    }

    static func indices(count: Int, start: Int?, stop: Int?, step: Int?) throws(TemplateError) -> [Int] {
        let step = step ?? 1
        guard step != 0 else { throw .type(message: "slice step cannot be zero", expression: "") }
        func clamp(_ i: Int, _ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(i, low), high) }
        func normalize(_ i: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var i else { return defaultValue }
            if i < 0 { i += count }
            return clamp(i, low, high)
        }
        var result: [Int] = []
        if step > 0 {
            var i = normalize(start, 0, low: 0, high: count)
            let end = normalize(stop, count, low: 0, high: count)
            while i < end { result.append(i); i += step }
        } else {
            var i = normalize(start, count - 1, low: -1, high: count - 1)
            let end = normalize(stop, -1, low: -1, high: count - 1)
            while i > end { result.append(i); i += step }
        }
        return result
    }
}
