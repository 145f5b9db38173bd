import PlayBase

extension Filters {
    /// JSON and YAML in and out.
    static let data: [String: Function] = [
        "to_json": plain { v, args, _ throws(TemplateError) in
            let sortKeys = try args.keyword("sort_keys")?.get().isTruthy ?? false
            let indent = try args.int(-1, "indent")
            let ascii = try args.keyword("ensure_ascii")?.get().isTruthy ?? true
            return .string(v.jsonString(sortKeys: sortKeys, pretty: indent != nil, asciiOnly: ascii, indent: indent ?? 4))
        },
        "to_nice_json": plain { v, args, _ throws(TemplateError) in
            let indent = try args.int(0, "indent") ?? 4
            let sortKeys = try args.keyword("sort_keys")?.get().isTruthy ?? true
            let ascii = try args.keyword("ensure_ascii")?.get().isTruthy ?? true
            return .string(v.jsonString(sortKeys: sortKeys, pretty: true, asciiOnly: ascii, indent: indent))
        },
        "from_json": text { s, args throws(TemplateError) in
            do {
                return try Value.parseJSON(s)
            } catch {
                throw args.error("could not parse JSON: \(error)")
            }
        },
        "to_yaml": plain { v, args, _ throws(TemplateError) in
            .string(YAMLWriter(indent: try args.int(-1, "indent") ?? 2, flowLeaves: true,
                               sortKeys: try args.keyword("sort_keys")?.get().isTruthy ?? true).write(v))
        },
        "to_nice_yaml": plain { v, args, _ throws(TemplateError) in
            .string(YAMLWriter(indent: try args.int(0, "indent") ?? 4, flowLeaves: false,
                               sortKeys: try args.keyword("sort_keys")?.get().isTruthy ?? true).write(v))
        },
        "from_yaml": text { s, args throws(TemplateError) in
            let documents = try parseYAML(s, args)
            return documents.first ?? .null
        },
        "from_yaml_all": text { s, args throws(TemplateError) in .list(try parseYAML(s, args)) },
    ]

    private static func parseYAML(_ s: String, _ args: CallArguments) throws(TemplateError) -> [Value] {
        let loader = YAMLLoader()
        do {
            return try loader.parseDocuments(s, file: "<\(args.name) input>").map { try loader.value(from: $0, file: "<\(args.name) input>") }
        } catch {
            throw args.error("could not parse YAML: \(error)")
        }
    }
}
