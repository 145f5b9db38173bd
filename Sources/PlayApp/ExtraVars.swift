import Foundation
import OrderedCollections
import PlayBase

/// `-e` values as ansible-playbook reads them: `@file` (YAML/JSON, vaulted too), a YAML/JSON
/// mapping written inline, or `key=value` pairs (quotes allowed).
enum ExtraVars {
    static func parse(_ arguments: [String], loader: YAMLLoader) throws -> OrderedDictionary<String, Value> {
        var vars: OrderedDictionary<String, Value> = [:]
        for arg in arguments {
            let trimmed = arg.trimmingCharacters(in: .whitespaces)
            var value: Value
            if trimmed.hasPrefix("@") {
                let path = String(trimmed.dropFirst())
                value = try loader.loadValue(path: path, from: .synthetic("-e \(arg)"))
            } else if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
                let nodes = try loader.parseDocuments(trimmed, file: "-e")
                value = try nodes.first.map { try loader.value(from: $0, file: "-e") } ?? .null
            } else {
                value = .dict(try keyValues(trimmed))
            }
            guard case .dict(let d) = value else {
                throw Diagnostic.error(at: .synthetic("-e \(arg)"), "extra vars must be key=value pairs or a mapping",
                                       notes: ["for example: -e version=2 or -e '{\"version\": 2}' or -e @vars.yml"])
            }
            vars.merge(d) { _, new in new }
        }
        return vars
    }

    /// A backslash escapes any character outside single quotes, and `\r` is not a separator.
    private static let keyValueSyntax = ShellWords.Syntax(backslash: .escapesAnything, whitespace: [" ", "\t", "\n"])

    /// `a=1 b="two words"`: values stay strings, as Ansible keeps them for key=value extra vars.
    static func keyValues(_ text: String) throws -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        let words: [String]
        // Not quite Ansible's parse_kv, which keeps backslashes (`a=b\` is `b\`) and decodes
        // Python escapes: these are the rules `-e` has always had here, kept as they are.
        do throws(ShellWords.SplitError) { words = try ShellWords.split(text, syntax: keyValueSyntax) } catch {
            throw Diagnostic.error(at: .synthetic("-e"), "unbalanced quotes in '\(text)'")
        }
        for word in words {
            guard let eq = word.firstIndex(of: "=") else {
                throw Diagnostic.error(at: .synthetic("-e"), "'\(word)' is not key=value",
                                       notes: ["for example: -e version=2"])
            }
            out[String(word[..<eq])] = .string(String(word[word.index(after: eq)...]))
        }
        return out
    }
}
