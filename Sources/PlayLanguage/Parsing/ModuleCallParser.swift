import OrderedCollections
import PlayBase

/// Plain module calls: the module's spec and its arguments in every form Ansible accepts.
extension ParseSession {
    func plainTask(_ call: ActionCall, _ fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)], _ file: SourceFile,
                   taskLocation: SourceLocation, context: ListContext) -> PlaybookTask? {
        var allowed = KeywordTable.task
        if context.inHandlers { allowed.formUnion(KeywordTable.handlerOnly) }
        var c = commonKeywords(fields, file, allowed: allowed, what: context.inHandlers ? "a handler" : "a task")
        if call.isLocalAction {
            if c.keywords.delegateTo != nil {
                error(call.location, "local_action and delegate_to cannot be used together")
            }
            c.keywords.delegateTo = .string("localhost")
        }
        let spec = specFor(call.short)
        var (args, argLocations) = moduleArguments(call, spec: spec, file)
        // `args:` gives defaults; arguments written with the module win.
        if let extra = c.args {
            var merged = extra
            for (k, v) in args { merged[k] = v }
            args = merged
            for (k, l) in c.argsLocations where argLocations[k] == nil { argLocations[k] = l }
        }
        if let spec {
            for problem in ArgumentChecker.problems(args, against: spec) {
                if moduleDefaultsInUse || c.argsTemplate != nil, Self.defaultsCouldSupply(problem) { continue }
                for d in problem.diagnostics(module: call.written, spec: spec, locations: argLocations, at: call.location) {
                    report(d)
                }
            }
        }
        var task = PlaybookTask(name: c.name, module: spec?.name ?? call.short, moduleAsWritten: call.written,
                    moduleLocation: call.location, args: args, argumentLocations: argLocations, when: c.when,
                    loop: c.loop, loopKind: c.loopKind, loopControl: c.loopControl, register: c.register,
                    retries: c.retries, until: c.until, delay: c.delay, failedWhen: c.failedWhen,
                    changedWhen: c.changedWhen, notify: c.notify, listen: c.listen, vars: c.vars, tags: c.tags,
                    keywords: c.keywords, isLocalAction: call.isLocalAction, directory: file.directory,
                    location: taskLocation)
        task.moduleIsTemplated = call.written.contains("{{")
        task.asyncSeconds = c.asyncSeconds
        task.argsTemplate = c.argsTemplate
        task.poll = c.poll
        if let spec, !spec.traits.supportsAsync, !ModuleTraits.actionsWithoutAsync.contains(spec.name), let seconds = c.asyncSeconds.flatMap(ValueCoercion.int), seconds > 0,
           c.poll.flatMap(ValueCoercion.int) == 0 {
            error(taskLocation, ModuleTraits.fireAndForgetRefusal(spec.name))
        }
        return task
    }

    static func defaultsCouldSupply(_ problem: ArgumentProblem) -> Bool {
        switch problem {
        case .missing, .requiredOneOf: return true
        default: return false
        }
    }

    /// The catalog's spec, or the built-in one for `meta` when the catalog has none.
    func specFor(_ short: String) -> ModuleSpec? {
        if let s = catalog.spec(named: short) { return s }
        if short == "meta" {
            return ModuleSpec(name: "meta", arguments: [ArgumentSpec("_raw_params", .string, required: true,
                                                                     choices: KeywordTable.metaActions)],
                              freeForm: .rawParams)
        }
        return nil
    }

    /// The arguments written with the module (dict form or free form), with their locations.
    func moduleArguments(_ call: ActionCall, spec: ModuleSpec?, _ file: SourceFile)
        -> (OrderedDictionary<String, Value>, [String: SourceLocation])
    {
        var args = call.actionDictArguments
        var locations: [String: SourceLocation] = [:]
        for k in args.keys { locations[k] = call.location }
        var text: String?
        var textIsPlainOneLine = false
        if let inline = call.inlineArguments {
            text = inline
            textIsPlainOneLine = !inline.contains(Character("\n"))
        } else if let node = call.valueNode {
            switch node.content {
            case .mapping(let m):
                for (k, kn, vn) in entries(m, file) {
                    args[k] = value(vn, file) ?? .null
                    locations[k] = location(kn, file)
                }
            case .scalar(let s, let style):
                guard let v = value(node, file) else { break }
                switch v {
                case .null: break
                case .string(let str):
                    text = str
                    textIsPlainOneLine = !s.contains(Character("\n")) && (style == .plain || style == .singleQuoted || style == .doubleQuoted)
                        && !(style == .doubleQuoted && s.contains(Character("\\")))
                default:
                    if spec?.freeForm == FreeForm.rawParams {
                        args["_raw_params"] = .string(s)
                        locations["_raw_params"] = call.argumentBase
                    } else {
                        error(call.argumentBase, "unexpected parameter type in action '\(call.written)': \(v.typeName)",
                              notes: ["write the arguments as a mapping under the module name"])
                    }
                }
            case .sequence:
                error(call.argumentBase, "the arguments of '\(call.written)' must be a mapping or a 'k=v' string, not a list")
            }
        }
        if let text {
            // As ansible: for command-like modules only a few control keys are split out of the
            // text (`echo a=b chdir=/tmp` runs `echo a=b`); every other module splits all k=v.
            let keepAsRaw: ((String) -> Bool)?
            if KeywordTable.commandLikeModules.contains(call.short) {
                keepAsRaw = { key in !KeywordTable.commandControlArguments.contains(key) }
            } else {
                keepAsRaw = nil
            }
            do {
                let parsed = try KeyValueArguments.parse(text, keepAsRaw: keepAsRaw)
                var base = call.argumentBase
                if call.inlineArguments == nil, case .scalar(_, let style)? = call.valueNode?.content, style != .plain { base.column += 1 }
                for pair in parsed.pairs {
                    args[pair.key] = .string(pair.value)
                    var l = base
                    if textIsPlainOneLine { l.column += pair.offset }
                    locations[pair.key] = l
                }
                if let raw = parsed.rawParams {
                    args["_raw_params"] = .string(raw)
                    locations["_raw_params"] = base
                }
            } catch {
                self.error(call.argumentBase, "failed at splitting arguments: \(error.message)",
                           notes: ["check the quotes and the {{ }} pairs"])
            }
        }
        return (args, locations)
    }
}
