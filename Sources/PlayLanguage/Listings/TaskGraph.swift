/// The compiled run as a graph, for `--graph`: nodes for plays, tasks, includes, handlers and
/// handler flush points; edges for sequence, rescue, always, notification and flushing.
public struct TaskGraph: Sendable {
    public enum NodeKind: String, Sendable { case play, task, include, flush, handler, end }
    public enum EdgeKind: String, Sendable { case sequence, rescue, always, notify, flush }

    public struct Node: Sendable, Hashable {
        /// A DOT identifier, unique in the graph.
        public var id: String
        public var kind: NodeKind
        public var label: String
        /// The play the node belongs to (0-based).
        public var play: Int
    }

    public struct Edge: Sendable, Hashable {
        public var from: String
        public var to: String
        public var kind: EdgeKind
    }

    public private(set) var nodes: [Node] = []
    public private(set) var edges: [Edge] = []

    public init(_ playbook: CompiledPlaybook) {
        for compiled in playbook.plays { addPlay(compiled) }
    }

    // MARK: Building

    /// The loose ends of a chain: the nodes the next item continues from, and with which edge kind.
    private typealias Ends = [(node: String, kind: EdgeKind)]

    private mutating func addPlay(_ compiled: CompiledPlay) {
        let p = compiled.index
        let start = "play\(p)"
        nodes.append(Node(id: start, kind: .play,
                          label: "play #\(p + 1) (\(compiled.play.hosts)): \(compiled.play.displayName)", play: p))
        var handlerIDs: [(id: String, task: CompiledTask)] = []
        for h in compiled.handlers {
            let id = "h\(h.id)"
            nodes.append(Node(id: id, kind: .handler, label: h.displayName, play: p))
            handlerIDs.append((id, h))
        }
        var ends: Ends = [(start, .sequence)]
        for section in compiled.sections {
            ends = chain(section.body, from: ends, play: p, handlers: handlerIDs)
            guard !section.body.isEmpty else { continue }
            // Notified handlers run when the section ends.
            let flush = "flush\(section.id)"
            nodes.append(Node(id: flush, kind: .flush, label: "flush handlers (end of \(section.name ?? "section"))", play: p))
            connect(ends, to: flush)
            for h in handlerIDs { edges.append(Edge(from: flush, to: h.id, kind: .flush)) }
            ends = [(flush, .sequence)]
        }
        let end = "end\(p)"
        nodes.append(Node(id: end, kind: .end, label: "end of play #\(p + 1)", play: p))
        connect(ends, to: end)
    }

    private mutating func connect(_ ends: Ends, to target: String) {
        for e in ends { edges.append(Edge(from: e.node, to: target, kind: e.kind)) }
    }

    private mutating func chain(_ items: [CompiledItem], from start: Ends, play: Int,
                                handlers: [(id: String, task: CompiledTask)]) -> Ends {
        var ends = start
        for item in items {
            switch item {
            case .task(let t):
                let id = "n\(t.id)"
                nodes.append(Node(id: id, kind: .task, label: t.displayName, play: play))
                connect(ends, to: id)
                ends = [(id, .sequence)]
                for name in t.notify {
                    for h in handlers where h.task.task.name == name || h.task.task.listen.contains(name) {
                        edges.append(Edge(from: id, to: h.id, kind: .notify))
                    }
                }
                if t.task.module == "meta", t.task.args["_raw_params"]?.stringValue == "flush_handlers" {
                    for h in handlers { edges.append(Edge(from: id, to: h.id, kind: .flush)) }
                }
            case .include(let i):
                let id = "n\(i.id)"
                nodes.append(Node(id: id, kind: .include, label: "\(i.displayName) (\(i.include.file))", play: play))
                connect(ends, to: id)
                ends = [(id, .sequence)]
            case .block(let b):
                let bodyStart = nodes.count
                let bodyEnds = chain(b.body, from: ends, play: play, handlers: handlers)
                let bodyTasks = nodes[bodyStart...].filter { $0.kind == .task || $0.kind == .include }.map(\.id)
                var after = bodyEnds
                if !b.rescue.isEmpty {
                    // Any failing task of the body continues in rescue.
                    let rescueEnds = chain(b.rescue, from: bodyTasks.map { ($0, EdgeKind.rescue) }, play: play, handlers: handlers)
                    after += rescueEnds
                }
                if !b.always.isEmpty {
                    after = chain(b.always, from: after.map { ($0.node, EdgeKind.always) }, play: play, handlers: handlers)
                }
                ends = after
            }
        }
        return ends
    }

    // MARK: DOT

    /// The graph in Graphviz DOT, one cluster per play.
    public func dot() -> String {
        var out = "digraph playbook {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n"
        let plays = Set(nodes.map(\.play)).sorted()
        for p in plays {
            out += "  subgraph cluster_play\(p) {\n"
            out += "    label=\(Self.quote("play #\(p + 1)"));\n"
            for n in nodes where n.play == p {
                out += "    \(Self.quote(n.id)) [label=\(Self.quote(n.label))\(Self.style(n.kind))];\n"
            }
            out += "  }\n"
        }
        for e in edges {
            out += "  \(Self.quote(e.from)) -> \(Self.quote(e.to))\(Self.style(e.kind));\n"
        }
        out += "}\n"
        return out
    }

    private static func style(_ kind: NodeKind) -> String {
        switch kind {
        case .play: return ", shape=oval, style=bold"
        case .task: return ""
        case .include: return ", shape=component"
        case .flush: return ", shape=diamond"
        case .handler: return ", style=rounded"
        case .end: return ", shape=oval"
        }
    }

    private static func style(_ kind: EdgeKind) -> String {
        switch kind {
        case .sequence: return ""
        case .rescue: return " [label=\"rescue\", color=red, style=dashed]"
        case .always: return " [label=\"always\", color=blue]"
        case .notify: return " [label=\"notify\", style=dotted]"
        case .flush: return " [label=\"flush\", style=dotted, color=gray]"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
