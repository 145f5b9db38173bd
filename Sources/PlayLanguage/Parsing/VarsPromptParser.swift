import PlayBase

extension ParseSession {
    /// `vars_prompt:`: a list of mappings with at least `name`. `encrypt` takes the passlib
    /// names play can make (sha512_crypt, sha256_crypt, md5_crypt); others are reported.
    func varsPrompts(_ node: YAMLNode, _ file: SourceFile) -> [VarsPrompt] {
        let items: [YAMLNode]
        switch node.content {
        case .sequence(let list): items = list
        case .scalar where value(node, file)?.isNull == true: return []
        default:
            error(location(node, file), "'vars_prompt' must be a list of mappings with 'name' and 'prompt', not a \(kindName(node))")
            return []
        }
        var prompts: [VarsPrompt] = []
        for item in items {
            guard case .mapping(let pairs) = item.content else {
                error(location(item, file), "each entry of 'vars_prompt' must be a mapping with 'name' and 'prompt', not a \(kindName(item))")
                continue
            }
            var prompt = VarsPrompt(name: "", location: location(item, file))
            var named = false
            for (key, keyNode, valueNode) in entries(pairs, file) {
                switch key {
                case "name":
                    if let name = scalarText(valueNode, file, what: "'name'"), !name.isEmpty {
                        prompt.name = name
                        named = true
                    }
                case "prompt": prompt.prompt = scalarText(valueNode, file, what: "'prompt'")
                case "private": prompt.isPrivate = strictBool(valueNode, file, keyword: key) ?? true
                case "confirm": prompt.confirm = strictBool(valueNode, file, keyword: key) ?? false
                case "unsafe": prompt.unsafe = strictBool(valueNode, file, keyword: key) ?? false
                case "default":
                    if let v = value(valueNode, file), !v.isNull { prompt.defaultValue = v }
                case "encrypt":
                    guard let name = scalarText(valueNode, file, what: "'encrypt'") else { break }
                    if let scheme = CryptHash.Scheme(rawValue: name) {
                        prompt.encrypt = scheme
                    } else {
                        error(location(valueNode, file), "'\(name)' is not an encrypt scheme play can make",
                              notes: ["use one of " + CryptHash.Scheme.allCases.map(\.rawValue).joined(separator: ", ")
                                      + ", or pass the value already hashed with -e"], length: name.count)
                    }
                case "salt": prompt.salt = scalarText(valueNode, file, what: "'salt'")
                case "salt_size":
                    if case .int(let n)? = value(valueNode, file) { prompt.saltSize = n } else {
                        error(location(valueNode, file), "'salt_size' must be an integer")
                    }
                default:
                    error(location(keyNode, file), "'\(key)' is not a valid key of a vars_prompt entry",
                          notes: Suggestions.didYouMean(key, in: KeywordTable.varsPrompt), length: key.count)
                }
            }
            if named {
                prompts.append(prompt)
            } else {
                error(location(item, file), "a vars_prompt entry needs a 'name'")
            }
        }
        return prompts
    }
}
