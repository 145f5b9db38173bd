import OrderedCollections
import PlayBase

/// The keywords every task form shares (name, when, loop, register, notify...), read once per task.
extension ParseSession {
    /// The keyword values every task form shares; each form takes what it supports.
    struct CommonKeywords {
        var name: String?
        var when: [Condition] = []
        var tags: [String] = []
        var vars = OrderedDictionary<String, Value>()
        var keywords = Keywords()
        var loop: Value?
        var loopKind: LoopKind = .loop
        var loopLocation: SourceLocation?
        var loopControl: LoopControl?
        var args: OrderedDictionary<String, Value>?
        var argsLocations: [String: SourceLocation] = [:]
        /// `args: "{{ mapping }}"`: rendered at run time, under the arguments written with the module.
        var argsTemplate: Value?
        var register: String?
        var retries: Value?
        var until: Condition?
        var delay: Value?
        var asyncSeconds: Value?
        var poll: Value?
        var failedWhen: [Condition] = []
        var changedWhen: [Condition] = []
        var notify: [String] = []
        var listen: [String] = []
    }

    func commonKeywords(_ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                        allowed: Set<String>, what: String) -> CommonKeywords {
        var c = CommonKeywords()
        for (key, keyNode, valueNode) in fields {
            if key.hasPrefix("with_") || key == "loop" {
                guard allowed.contains("loop") else {
                    if what == "import_tasks" {
                        error(location(keyNode, file), "You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead.",
                              length: key.count)
                    } else {
                        unknownKeyword(key, keyNode, file, in: what, valid: allowed)
                    }
                    continue
                }
                let kind: LoopKind
                if let k = LoopKind(rawValue: key) { kind = k } else {
                    error(location(keyNode, file), "unknown loop '\(key)'",
                          notes: Suggestions.didYouMean(key, in: LoopKind.allCases.map(\.keyword)), length: key.count)
                    continue
                }
                if let previous = c.loopLocation {
                    error(location(keyNode, file), "a task can have only one loop ('\(c.loopKind.keyword)' is already given at line \(previous.line))",
                          length: key.count)
                    continue
                }
                c.loop = value(valueNode, file) ?? .null
                c.loopKind = kind
                c.loopLocation = location(keyNode, file)
                continue
            }
            guard allowed.contains(key) else {
                unknownKeyword(key, keyNode, file, in: what, valid: allowed)
                continue
            }
            switch key {
            case "name": c.name = scalarText(valueNode, file, what: "'name'")
            case "when": c.when = conditions(valueNode, file, keyword: key)
            case "tags": c.tags = nameList(valueNode, file, keyword: key, splitCommas: true)
            case "vars": c.vars = varsDict(valueNode, file)
            case "loop_control": c.loopControl = loopControl(valueNode, file)
            case "args":
                if case .mapping(let m) = valueNode.content {
                    var d = OrderedDictionary<String, Value>()
                    for (k, kn, vn) in entries(m, file) {
                        d[k] = value(vn, file) ?? .null
                        c.argsLocations[k] = location(kn, file)
                    }
                    c.args = d
                } else if let v = value(valueNode, file), case .string(let s) = v, s.contains("{{") {
                    c.argsTemplate = v
                } else if let v = value(valueNode, file), !v.isNull {
                    error(location(valueNode, file), "The value of the task `args` keyword is invalid: it must be a mapping",
                          notes: ["write the arguments under the module name, as 'args: {key: value}', or as a template giving a mapping"])
                }
            case "register": c.register = scalarText(valueNode, file, what: "'register'")
            case "retries": c.retries = intish(valueNode, file, keyword: key)
            case "delay": c.delay = numberish(valueNode, file, keyword: key)
            case "async": c.asyncSeconds = intish(valueNode, file, keyword: key)
            case "poll": c.poll = intish(valueNode, file, keyword: key)
            case "until":
                let conds = conditions(valueNode, file, keyword: key)
                if conds.count == 1 {
                    c.until = conds[0]
                } else if let first = conds.first {
                    c.until = Condition(expression: conds.map { "(\($0.expression))" }.joined(separator: " and "), location: first.location)
                }
            case "failed_when": c.failedWhen = conditions(valueNode, file, keyword: key)
            case "changed_when": c.changedWhen = conditions(valueNode, file, keyword: key)
            case "notify": c.notify = nameList(valueNode, file, keyword: key, splitCommas: false)
            case "listen": c.listen = nameList(valueNode, file, keyword: key, splitCommas: false)
            case "collections", "action", "local_action": break
            default:
                if !applyInheritable(key, valueNode, file, to: &c.keywords) {
                    unknownKeyword(key, keyNode, file, in: what, valid: allowed)
                }
            }
        }
        return c
    }

    func loopControl(_ node: YAMLNode, _ file: SourceFile) -> LoopControl? {
        let loc = location(node, file)
        guard case .mapping(let m) = node.content else {
            if let v = value(node, file), v.isNull { return nil }
            error(loc, "'loop_control' must be a mapping (loop_var, index_var, label, pause, extended)")
            return nil
        }
        var lc = LoopControl(location: loc)
        for (key, keyNode, valueNode) in entries(m, file) {
            switch key {
            case "loop_var": lc.loopVar = scalarText(valueNode, file, what: "'loop_var'") ?? "item"
            case "index_var": lc.indexVar = scalarText(valueNode, file, what: "'index_var'")
            case "label": lc.label = value(valueNode, file)
            case "pause": lc.pause = numberish(valueNode, file, keyword: key)
            case "extended": lc.extended = boolish(valueNode, file, keyword: key)
            case "extended_allitems": lc.extendedAllItems = boolish(valueNode, file, keyword: key)
            case "break_when": lc.breakWhen = conditions(valueNode, file, keyword: key)
            default:
                error(location(keyNode, file), "'\(key)' is not a valid key for loop_control",
                      notes: Suggestions.didYouMean(key, in: KeywordTable.loopControl), length: key.count)
            }
        }
        return lc
    }
}
