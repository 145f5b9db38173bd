import Foundation

/// An XML element read into memory, with names reduced to their local part (`ec2:Item` → `Item`)
/// and namespaces ignored: moto and AWS disagree on them. Read by a small reader of its own
/// (FoundationXML would pull libxml2 and ICU into every start of `play`): declarations, processing
/// instructions, comments, a DOCTYPE without entity definitions, CDATA, attributes (checked, not
/// kept), the five named entities and numeric character references, UTF-8.
public struct XMLTree: Sendable, Hashable {
    public var name: String
    /// The element's own character data (not its descendants'), as-is.
    public var text: String
    public var children: [XMLTree]

    public init(name: String, text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// Elements may nest this deep: AWS answers nest about ten; the tree is recursive, so an
    /// answer nested without end would exhaust the stack when it is copied, compared or freed.
    public static let maxDepth = 100

    /// Why a body is not read as XML.
    public enum ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        /// Not well-formed XML (an HTML error page, a cut-short body); the byte offset where it went wrong.
        case malformed(offset: Int)
        /// Elements nest deeper than `maxDepth`.
        case tooDeep(offset: Int)

        public var description: String {
            switch self {
            case .empty: "the answer is empty"
            case .malformed(let offset): "the answer is not XML (malformed at byte \(offset))"
            case .tooDeep(let offset):
                "the answer nests XML elements more than \(XMLTree.maxDepth) deep (at byte \(offset)); it is refused"
            }
        }
    }

    /// Parses a document; nil when it is not well-formed XML (an HTML error page, an empty body)
    /// or nests too deep.
    public static func parse(_ data: Data) -> XMLTree? {
        try? read(data)
    }

    /// Parses a document, saying why it cannot.
    public static func read(_ data: Data) throws(ReadError) -> XMLTree {
        guard !data.isEmpty else { throw .empty }
        var reader = Reader(Array(data))
        do {
            return try reader.document()
        } catch is Reader.TooDeep {
            throw .tooDeep(offset: reader.offset)
        } catch {
            throw .malformed(offset: reader.offset)
        }
    }

    /// The first child called `name`.
    public func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// All children called `name`.
    public func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// Follows a path of child names: `tree["instancesSet", "item"]`.
    public subscript(_ path: String...) -> XMLTree? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node
    }

    /// Text of the child at `path`, nil when absent; an empty element gives "".
    public func string(_ path: String...) -> String? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node?.text
    }

    /// Text of the child at `path` when present and not empty.
    public func nonEmpty(_ path: String...) -> String? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        guard let text = node?.text, !text.isEmpty else { return nil }
        return text
    }

    public func int(_ path: String...) -> Int? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node.flatMap { Int($0.text.trimmingCharacters(in: .whitespaces)) }
    }

    public func bool(_ path: String...) -> Bool? {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node.map { $0.text.trimmingCharacters(in: .whitespaces).lowercased() == "true" }
    }

    /// The elements of an AWS list (`<set><item>…</item></set>` or `<List><member>…</member></List>`) at `path`.
    public func list(_ path: String..., item: String) -> [XMLTree] {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        return node?.children(item) ?? []
    }

    /// The first element called `name` anywhere below (depth first), or self.
    public func first(named name: String) -> XMLTree? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }

    /// Every `<key>`/`<value>` (or `<Key>`/`<Value>`) pair under `path`, as a dictionary: tag sets.
    public func tags(_ path: String..., item: String) -> [String: String] {
        var node: XMLTree? = self
        for name in path { node = node?.child(name) }
        var out: [String: String] = [:]
        for entry in node?.children(item) ?? [] {
            guard let key = entry.string("key") ?? entry.string("Key") else { continue }
            out[key] = entry.string("value") ?? entry.string("Value") ?? ""
        }
        return out
    }

    /// A well-formedness reader for the XML AWS sends: one pass over the bytes, one tree out.
    private struct Reader {
        struct Malformed: Error {}
        struct TooDeep: Error {}

        private let bytes: [UInt8]
        private var i = 0
        var offset: Int { i }
        private var open: [(name: ArraySlice<UInt8>, tree: XMLTree)] = []
        private var root: XMLTree?

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> XMLTree {
            // Reject invalid UTF-8 up front; every slice decoded later is then exact.
            guard String(bytes: bytes, encoding: .utf8) != nil else { throw Malformed() }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "<") {
                    try markup()
                } else {
                    try text()
                }
            }
            guard open.isEmpty, let root else { throw Malformed() }
            return root
        }

        // MARK: Markup

        private mutating func markup() throws {
            if starts("<?") {
                try skip(past: "?>")
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<![CDATA[") {
                guard !open.isEmpty else { throw Malformed() }
                i += 9
                let end = try find("]]>")
                appendText(normalizedLines(bytes[i..<end]))
                i = end + 3
            } else if starts("<!DOCTYPE") {
                guard open.isEmpty, root == nil else { throw Malformed() }
                try skipDoctype()
            } else if starts("</") {
                i += 2
                let name = try readName()
                skipSpace()
                try expect(">")
                guard let last = open.popLast(), last.name.elementsEqual(name) else { throw Malformed() }
                close(last.tree)
            } else {
                i += 1
                let name = try readName()
                guard root == nil || !open.isEmpty else { throw Malformed() }  // a second root element
                let selfClosing = try readAttributes()
                let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[name.index(after: $0)...] } ?? name
                let tree = XMLTree(name: String(decoding: local, as: UTF8.self))
                if selfClosing { close(tree) } else {
                    guard open.count < XMLTree.maxDepth else { throw TooDeep() }
                    open.append((name, tree))
                }
            }
        }

        /// Reads attributes up to `>` or `/>`; true for a self-closing tag. Values are checked, not kept.
        private mutating func readAttributes() throws -> Bool {
            while true {
                let hadSpace = skipSpace()
                if starts("/>") { i += 2; return true }
                if starts(">") { i += 1; return false }
                guard hadSpace else { throw Malformed() }
                _ = try readName()
                skipSpace()
                try expect("=")
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { throw Malformed() }
                let quote = bytes[i]
                i += 1
                guard let end = bytes[i...].firstIndex(of: quote) else { throw Malformed() }
                guard !bytes[i..<end].contains(UInt8(ascii: "<")) else { throw Malformed() }
                _ = try decodeReferences(bytes[i..<end])
                i = end + 1
            }
        }

        private mutating func close(_ element: XMLTree) {
            var done = element
            // Elements with children carry only indentation as text.
            if !done.children.isEmpty && done.text.allSatisfy(\.isWhitespace) { done.text = "" }
            if open.isEmpty {
                root = done
            } else {
                open[open.count - 1].tree.children.append(done)
            }
        }

        private mutating func skipDoctype() throws {
            // Only an internal subset's brackets matter here; entity definitions are not honoured.
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "]"): depth -= 1
                case UInt8(ascii: ">") where depth == 0:
                    i += 1
                    return
                default: break
                }
                i += 1
            }
            throw Malformed()
        }

        // MARK: Text

        private mutating func text() throws {
            let end = bytes[i...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
            let run = bytes[i..<end]
            i = end
            if open.isEmpty {
                // Outside the root element only white space may appear.
                guard run.allSatisfy(Self.isSpace) else { throw Malformed() }
                return
            }
            appendText(try decodeReferences(normalizedLines(run)))
        }

        private mutating func appendText(_ text: [UInt8]) {
            open[open.count - 1].tree.text += String(decoding: text, as: UTF8.self)
        }

        /// XML reads CR LF and lone CR as LF.
        private func normalizedLines(_ run: ArraySlice<UInt8>) -> [UInt8] {
            guard run.contains(13) else { return Array(run) }
            var out: [UInt8] = []
            out.reserveCapacity(run.count)
            var index = run.startIndex
            while index < run.endIndex {
                if run[index] == 13 {
                    out.append(10)
                    if index + 1 < run.endIndex, run[index + 1] == 10 { index += 1 }
                } else {
                    out.append(run[index])
                }
                index += 1
            }
            return out
        }

        /// Replaces `&amp;` and friends and `&#N;` / `&#xN;`; any other `&` is an error.
        private func decodeReferences<C: Collection>(_ run: C) throws -> [UInt8] where C.Element == UInt8, C.Index == Int {
            guard run.contains(UInt8(ascii: "&")) else { return Array(run) }
            var out: [UInt8] = []
            out.reserveCapacity(run.count)
            var index = run.startIndex
            while index < run.endIndex {
                let byte = run[index]
                guard byte == UInt8(ascii: "&") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                guard let semicolon = run[index...].firstIndex(of: UInt8(ascii: ";")), semicolon - index <= 12 else {
                    throw Malformed()
                }
                let name = String(decoding: run[(index + 1)..<semicolon], as: UTF8.self)
                switch name {
                case "amp": out.append(UInt8(ascii: "&"))
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    guard name.hasPrefix("#") else { throw Malformed() }
                    let digits = name.dropFirst()
                    let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                    guard let value, value != 0, let scalar = Unicode.Scalar(value),
                          !digits.contains("+"), !digits.contains("-") else { throw Malformed() }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                index = semicolon + 1
            }
            return out
        }

        // MARK: Scanning

        private static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        private func starts(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard i + count <= bytes.count else { return false }
            return literal.withUTF8Buffer { bytes[i..<(i + count)].elementsEqual($0) }
        }

        @discardableResult
        private mutating func skipSpace() -> Bool {
            let start = i
            while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
            return i > start
        }

        private mutating func expect(_ literal: StaticString) throws {
            guard starts(literal) else { throw Malformed() }
            i += literal.utf8CodeUnitCount
        }

        /// The index where `literal` next starts, from the current position.
        private func find(_ literal: StaticString) throws -> Int {
            let count = literal.utf8CodeUnitCount
            let found = literal.withUTF8Buffer { needle -> Int? in
                var index = i
                while index + count <= bytes.count {
                    if bytes[index] == needle[0], bytes[index..<(index + count)].elementsEqual(needle) { return index }
                    index += 1
                }
                return nil
            }
            guard let found else { throw Malformed() }
            return found
        }

        private mutating func skip(past literal: StaticString) throws {
            i = try find(literal) + literal.utf8CodeUnitCount
        }

        /// An element or attribute name (with any prefix): up to white space, `/`, `>` or `=`.
        private mutating func readName() throws -> ArraySlice<UInt8> {
            let start = i
            while i < bytes.count {
                let byte = bytes[i]
                if Self.isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=")
                    || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { break }
                i += 1
            }
            guard i > start else { throw Malformed() }
            let first = bytes[start]
            guard !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), first != UInt8(ascii: "-"),
                  first != UInt8(ascii: ".") else { throw Malformed() }
            return bytes[start..<i]
        }
    }
}
