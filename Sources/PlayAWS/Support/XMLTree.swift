import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML element read into memory, with names reduced to their local part (`ec2:Item` → `Item`)
/// and namespaces ignored: moto and AWS disagree on them.
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

    /// Parses a document; nil when it is not well-formed XML (an HTML error page, an empty body).
    public static func parse(_ data: Data) -> XMLTree? {
        guard !data.isEmpty else { return nil }
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
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

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append(XMLTree(name: local))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            guard var done = stack.popLast() else { return }
            // Elements with children carry only indentation as text.
            if !done.children.isEmpty && done.text.allSatisfy(\.isWhitespace) { done.text = "" }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
        }
    }
}
