import CYaml
import Foundation
import OrderedCollections
import PlayBase

// Why there are two YAML readers (issue 11): playbooks are read here, from libyaml's events
// through Yams' `CYaml` module; everything else (vars files, inventories, `from_yaml`, `-e`)
// goes through PlayBase's YAMLLoader and Yams' public `compose`. Yams' public API gives nodes
// with marks and styles, but it cannot give what this reader exists for:
//  - speed: its composer allocates a `Tag` object and runs the resolver's regular expressions
//    for every scalar as it composes (~120 ms on a 2000-task playbook); this tree takes a few
//    milliseconds, which the `--list-tasks` budget (PerformanceTests) needs;
//  - positions of aliases: Yams hands back the anchored node itself, so an error in `*defaults`
//    would point at the anchor; here an alias keeps its target's content but its own position;
//  - whether a tag was written: Yams resolves implicit tags in place, so a plain `5` and an
//    explicit `!!str 5` cannot be told apart afterwards without its default resolver.
// There is still one scalar rule: YAML 1.1 as Yams' default resolver (and PyYAML) apply it.
// YAMLScalarResolver mirrors it without regular expressions, and YAMLReadersAgreeTests checks
// that both readers give the same Value for every kind of scalar.

/// A YAML node with its 1-based position, built straight from libyaml's events.
struct YAMLNode {
    enum ScalarStyle: UInt8 { case plain, singleQuoted, doubleQuoted, literal, folded }

    enum Content {
        case scalar(String, ScalarStyle)
        case mapping([YAMLPair])
        case sequence([YAMLNode])
    }

    var content: Content
    /// The explicit tag, fully expanded (`tag:yaml.org,2002:str`, `!vault`); nil when implicit.
    var tag: String?
    var line: Int
    var column: Int

    /// The value of `key` in a mapping.
    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for p in pairs { if case .scalar(let k, _) = p.key.content, k == key { return p.value } }
        return nil
    }
}

struct YAMLPair {
    var key: YAMLNode
    var value: YAMLNode
}

/// Builds YAMLNode trees from text with libyaml.
enum YAMLTreeBuilder {
    /// All documents of `text`; a syntax error becomes a Diagnostic at its position.
    static func documents(_ text: String, file: String) throws(Diagnostic) -> [YAMLNode] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Diagnostic.error(at: .synthetic(file), "could not start the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(Diagnostic) -> [YAMLNode] in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var composer = Composer()
            var budget = YAMLBudget()
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(parser, file: file)
                }
                let done = event.type == YAML_STREAM_END_EVENT
                do throws(YAMLBudget.Exceeded) { try budget.handle(event) } catch {
                    yaml_event_delete(&event)
                    throw YAMLBudget.diagnostic(error, file: file)
                }
                do throws(ComposeError) { try composer.handle(&event) } catch {
                    yaml_event_delete(&event)
                    throw Diagnostic.error(at: SourceLocation(file: file, line: error.line, column: error.column),
                                           "YAML error: \(error.message)")
                }
                yaml_event_delete(&event)
                if done { break }
            }
            return composer.documents
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
        let context = parser.context.map { String(cString: $0) + " " } ?? ""
        let mark = parser.problem_mark
        return .error(at: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
                      "YAML syntax error: \(context)\(problem)",
                      notes: ["check the indentation and quoting on this line and the one above it"])
    }

    struct ComposeError: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// Turns the event stream into trees: a stack of open collections plus the anchors seen.
    private struct Composer {
        /// An open mapping or sequence; a class so that appending does not copy its array.
        final class Frame {
            let isMapping: Bool
            var node: YAMLNode
            let anchor: String?
            var pairs: [YAMLPair] = []
            var items: [YAMLNode] = []
            var pendingKey: YAMLNode?

            init(isMapping: Bool, node: YAMLNode, anchor: String?) {
                self.isMapping = isMapping
                self.node = node
                self.anchor = anchor
            }
        }

        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        var documents: [YAMLNode] = []

        mutating func handle(_ event: inout yaml_event_t) throws(ComposeError) {
            let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                anchors.removeAll(keepingCapacity: true)
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                let style: YAMLNode.ScalarStyle
                switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let node = YAMLNode(content: .scalar(value, style), tag: Self.string(s.tag), line: line, column: column)
                if let anchor = Self.string(s.anchor) { anchors[anchor] = node }
                add(node)
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                guard var node = anchors[name] else {
                    throw ComposeError(message: "found undefined alias '\(name)'", line: line, column: column)
                }
                // An alias keeps its target's content but reports where it is written.
                node.line = line
                node.column = column
                add(node)
            case YAML_MAPPING_START_EVENT:
                let m = event.data.mapping_start
                let node = YAMLNode(content: .mapping([]), tag: Self.string(m.tag), line: line, column: column)
                stack.append(Frame(isMapping: true, node: node, anchor: Self.string(m.anchor)))
            case YAML_SEQUENCE_START_EVENT:
                let q = event.data.sequence_start
                let node = YAMLNode(content: .sequence([]), tag: Self.string(q.tag), line: line, column: column)
                stack.append(Frame(isMapping: false, node: node, anchor: Self.string(q.anchor)))
            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                guard let frame = stack.popLast() else { return }
                var node = frame.node
                node.content = frame.isMapping ? .mapping(Self.applyingMerges(frame.pairs)) : .sequence(frame.items)
                frame.pairs = []
                frame.items = []
                if let anchor = frame.anchor { anchors[anchor] = node }
                add(node)
            default:
                break
            }
        }

        mutating func add(_ node: YAMLNode) {
            guard let top = stack.last else {
                documents.append(node)
                return
            }
            if top.isMapping {
                if let key = top.pendingKey {
                    top.pairs.append(YAMLPair(key: key, value: node))
                    top.pendingKey = nil
                } else {
                    top.pendingKey = node
                }
            } else {
                top.items.append(node)
            }
        }

        /// YAML merge keys (`<<: *defaults`): keys written in the mapping win over merged ones,
        /// and earlier merged mappings win over later ones.
        static func applyingMerges(_ pairs: [YAMLPair]) -> [YAMLPair] {
            guard pairs.contains(where: { isMergeKey($0.key) }) else { return pairs }
            var result = pairs.filter { !isMergeKey($0.key) }
            var seen = Set(result.compactMap { p -> String? in if case .scalar(let k, _) = p.key.content { return k }; return nil })
            for p in pairs where isMergeKey(p.key) {
                let sources: [YAMLNode]
                switch p.value.content {
                case .mapping: sources = [p.value]
                case .sequence(let items): sources = items
                case .scalar: sources = []
                }
                for source in sources {
                    guard case .mapping(let merged) = source.content else { continue }
                    for m in merged {
                        guard case .scalar(let k, _) = m.key.content else { continue }
                        if seen.insert(k).inserted { result.append(m) }
                    }
                }
            }
            return result
        }

        static func isMergeKey(_ node: YAMLNode) -> Bool {
            guard case .scalar(let k, let style) = node.content else { return false }
            return k == "<<" && (style == .plain || node.tag == "tag:yaml.org,2002:merge")
        }

        static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let p else { return nil }
            return String(cString: p)
        }
    }
}

extension YAMLNode {
    /// The node as a Value, resolving scalars as YAMLLoader does and decrypting `!vault` scalars.
    func value(file: String, secrets: (any VaultSecretResolver)?) throws -> Value {
        switch content {
        case .scalar(let s, let style):
            if let tag {
                if tag == "!vault" || tag == "!vault-encrypted" {
                    let loc = SourceLocation(file: file, line: line, column: column)
                    guard let secrets else {
                        throw Diagnostic.error(at: loc, "Attempting to decrypt but no vault secrets found",
                            notes: ["give a password with --ask-vault-pass, --vault-password-file or --vault-id"])
                    }
                    return .string(try secrets.decrypt(s, source: loc))
                }
                // `! 5` is a string here, an int for PyYAML: Yams gives `!` as `!!str`, and the two
                // readers must agree.
                if style != .plain || tag == "!" || tag == "!unsafe" { return .string(s) }
                return YAMLScalarResolver.resolve(s, tag: tag) ?? .string(s)
            }
            return style == .plain ? YAMLScalarResolver.resolve(s) : .string(s)
        case .sequence(let items):
            var list: [Value] = []
            list.reserveCapacity(items.count)
            for item in items { list.append(try item.value(file: file, secrets: secrets)) }
            return .list(list)
        case .mapping(let pairs):
            var dict = OrderedDictionary<String, Value>(minimumCapacity: pairs.count)
            for p in pairs {
                let key = try p.key.value(file: file, secrets: secrets).renderedString
                dict[key] = try p.value.value(file: file, secrets: secrets)
            }
            return .dict(dict)
        }
    }

    var isScalar: Bool { if case .scalar = content { return true }; return false }

    /// The scalar's text when this is a scalar.
    var scalarText: String? { if case .scalar(let s, _) = content { return s }; return nil }
}
