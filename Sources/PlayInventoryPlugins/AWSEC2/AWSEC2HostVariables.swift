import OrderedCollections
import PlayBase

/// The host variables amazon.aws.aws_ec2 gives an instance: boto3's description with every key
/// in snake_case (the `Tags` list becomes the `tags` dict), `placement.region` added, and the
/// optional `ec2_tag_*` keys, prefix and suffix.
struct AWSEC2HostVariables {
    var prefix: String?
    var suffix: String?
    var contribTagKeys = false

    func variables(for instance: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var vars = OrderedDictionary<String, Value>()
        for (key, value) in instance {
            vars[Self.snakeCase(key)] = key == "Tags" ? value : Self.snakeCased(value)
        }
        let tags = Self.tagDictionary(instance["Tags"])
        vars["tags"] = .dict(tags)
        if case .dict(var placement)? = vars["placement"] {
            let zone = placement["availability_zone"]?.stringValue ?? ""
            placement["region"] = .string(String(zone.dropLast()))
            vars["placement"] = .dict(placement)
        }
        if contribTagKeys {
            for (k, v) in tags { vars["ec2_tag_\(k)"] = v }
        }
        guard prefix?.isEmpty == false || suffix?.isEmpty == false else { return vars }
        var renamed = OrderedDictionary<String, Value>()
        for (k, v) in vars { renamed[(prefix ?? "") + k + (suffix ?? "")] = v }
        return renamed
    }

    /// `[{Key: k, Value: v}]` (or lower-case `key`/`value`) → `{k: v}`.
    static func tagDictionary(_ tags: Value?) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for tag in tags?.listValue ?? [] {
            guard case .dict(let d) = tag else { continue }
            if let k = d["Key"]?.stringValue { out[k] = d["Value"] ?? .null } else if let k = d["key"]?.stringValue { out[k] = d["value"] ?? .null }
        }
        return out
    }

    static func snakeCased(_ value: Value) -> Value {
        switch value {
        case .dict(let d):
            var out = OrderedDictionary<String, Value>()
            for (k, v) in d { out[snakeCase(k)] = snakeCased(v) }
            return .dict(out)
        case .list(let l): return .list(l.map(snakeCased))
        default: return value
        }
    }

    /// Ansible's `_camel_to_snake` (not reversible): a trailing plural abbreviation (`ARNs`)
    /// first, then `_` before each capitalised word and before each run of capitals that follows
    /// a lower-case letter or digit, then lower case.
    static func snakeCase(_ name: String) -> String {
        var chars = Array(name.unicodeScalars)
        let isUpper: (Unicode.Scalar) -> Bool = { $0.value >= 65 && $0.value <= 90 }
        let isLower: (Unicode.Scalar) -> Bool = { $0.value >= 97 && $0.value <= 122 }
        let isDigit: (Unicode.Scalar) -> Bool = { $0.value >= 48 && $0.value <= 57 }
        // [A-Z]{3,}s$ → _ + lower
        if chars.last == "s" {
            var start = chars.count - 1
            while start > 0 && isUpper(chars[start - 1]) { start -= 1 }
            if chars.count - 1 - start >= 3 {
                let run = chars[start...].map { Unicode.Scalar(String($0).lowercased())! }
                chars = Array(chars[..<start]) + (start == 0 ? [] : ["_"]) + run
            }
        }
        // (.)([A-Z][a-z]+) → \1_\2
        var s2: [Unicode.Scalar] = []
        var i = 0
        while i < chars.count {
            if i + 2 < chars.count, isUpper(chars[i + 1]), isLower(chars[i + 2]) {
                var end = i + 3
                while end < chars.count && isLower(chars[end]) { end += 1 }
                s2.append(chars[i])
                s2.append("_")
                s2.append(contentsOf: chars[(i + 1)..<end])
                i = end
            } else {
                s2.append(chars[i])
                i += 1
            }
        }
        // ([a-z0-9])([A-Z]+) → \1_\2
        var s3 = ""
        i = 0
        while i < s2.count {
            if i + 1 < s2.count, isLower(s2[i]) || isDigit(s2[i]), isUpper(s2[i + 1]) {
                var end = i + 2
                while end < s2.count && isUpper(s2[end]) { end += 1 }
                s3.unicodeScalars.append(s2[i])
                s3.unicodeScalars.append("_")
                s3.unicodeScalars.append(contentsOf: s2[(i + 1)..<end])
                i = end
            } else {
                s3.unicodeScalars.append(s2[i])
                i += 1
            }
        }
        return s3.lowercased()
    }
}
