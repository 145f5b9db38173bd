import Foundation
import OrderedCollections
import Yams

/// Reads YAML files into Yams nodes (which keep their source marks) and turns nodes into Values.
/// Wholly vault-encrypted files and `!vault` scalars are decrypted through the resolver.
public struct YAMLLoader: Sendable {
    public var secrets: (any VaultSecretResolver)?

    public init(secrets: (any VaultSecretResolver)? = nil) {
        self.secrets = secrets
    }

    /// The text of a file, decrypted first when the whole file is a vault.
    public func readText(path: String, from reference: SourceLocation? = nil) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic.error(at: reference, "could not read '\(path)': no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic.error(at: reference ?? .synthetic(path), "'\(path)' is not UTF-8 text")
        }
        if text.hasPrefix("$ANSIBLE_VAULT") {
            guard let secrets else {
                throw Diagnostic.error(at: .synthetic(path),
                    "Attempting to decrypt but no vault secrets found",
                    notes: ["give a password with --ask-vault-pass, --vault-password-file or --vault-id"])
            }
            return try secrets.decrypt(text, source: .synthetic(path))
        }
        return text
    }

    /// All documents of a YAML file as nodes.
    public func loadDocuments(path: String, from reference: SourceLocation? = nil) throws -> [Node] {
        try parseDocuments(try readText(path: path, from: reference), file: path)
    }

    /// The single document of a YAML file (nil for an empty file).
    public func loadNode(path: String, from reference: SourceLocation? = nil) throws -> Node? {
        try loadDocuments(path: path, from: reference).first
    }

    /// A file's first document as a Value (`.null` for an empty file).
    public func loadValue(path: String, from reference: SourceLocation? = nil) throws -> Value {
        guard let node = try loadNode(path: path, from: reference) else { return .null }
        return try value(from: node, file: path)
    }

    public func parseDocuments(_ text: String, file: String) throws -> [Node] {
        // Yams composes recursively and `value(from:)` copies what aliases point at: check the
        // depth and the alias expansion first.
        try YAMLBudget.check(text, file: file)
        do {
            var sequence = try Yams.compose_all(yaml: text, Self.resolver)
            var nodes: [Node] = []
            while let node = sequence.next() { nodes.append(node) }
            if let error = sequence.error { throw error }
            return nodes
        } catch let error as YamlError {
            throw Self.diagnostic(for: error, file: file)
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return .error(at: SourceLocation(file: file, line: mark.line, column: mark.column),
                          "YAML syntax error: \(ctx)\(problem)",
                          notes: ["check the indentation and quoting on this line and the one above it"])
        default:
            return .error(at: .synthetic(file), "YAML error: \(error)")
        }
    }

    /// Converts a node to a Value with YAML 1.1 scalar resolution (as PyYAML, which Ansible uses).
    public func value(from node: Node, file: String) throws -> Value {
        switch node {
        case .scalar(let scalar):
            return try scalarValue(scalar, node: node, file: file)
        case .sequence(let seq):
            return .list(try seq.map { try value(from: $0, file: file) })
        case .mapping(let mapping):
            var dict = OrderedDictionary<String, Value>()
            for (k, v) in mapping {
                let key = try value(from: k, file: file)
                if case .scalar(let ks) = k, k.tag.rawValue == Tag.Name.merge.rawValue || (ks.string == "<<" && ks.style == .plain) {
                    // YAML merge key: earlier explicit keys win.
                    let merged = try value(from: v, file: file)
                    let sources: [Value] = merged.listValue ?? [merged]
                    for src in sources { for (mk, mv) in src.dictValue ?? [:] where dict[mk] == nil { dict[mk] = mv } }
                    continue
                }
                dict[key.renderedString] = try value(from: v, file: file)
            }
            return .dict(dict)
        case .alias:
            return .null
        }
    }

    private func scalarValue(_ scalar: Node.Scalar, node: Node, file: String) throws -> Value {
        let tagName = node.tag.rawValue
        if tagName == "!vault" || tagName == "!vault-encrypted" {
            let loc = Self.location(of: node, file: file)
            guard let secrets else {
                throw Diagnostic.error(at: loc, "Attempting to decrypt but no vault secrets found",
                    notes: ["give a password with --ask-vault-pass, --vault-password-file or --vault-id"])
            }
            return .string(try secrets.decrypt(scalar.string, source: loc))
        }
        if tagName == "!unsafe" { return .string(scalar.string) }
        if scalar.style != .plain { return .string(scalar.string) }
        switch tagName {
        case Tag.Name.null.rawValue, Tag.Name.bool.rawValue, Tag.Name.int.rawValue, Tag.Name.float.rawValue:
            return YAMLScalarResolver.resolve(scalar.string, tag: tagName) ?? .string(scalar.string)
        default: return .string(scalar.string)
        }
    }

    /// Yams' YAML 1.1 rules with PyYAML's int and float patterns (`YAMLScalarResolver`'s rule).
    static let resolver: Resolver = {
        do {
            return try Resolver.default.replacing(.int, with: YAMLScalarResolver.intPattern)
                .replacing(.float, with: YAMLScalarResolver.floatPattern)
        } catch {
            preconditionFailure("PyYAML's scalar patterns do not compile: \(error)")
        }
    }()

    public static func location(of node: Node, file: String) -> SourceLocation {
        guard let mark = node.mark else { return .synthetic(file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }
}
