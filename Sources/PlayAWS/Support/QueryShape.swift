import Foundation
import OrderedCollections
import PlayBase

/// The type of one member of a Query-protocol (EC2) answer as the AWS SDKs model it, so an XML
/// answer becomes the same dictionary boto3 hands to Ansible: member names in CamelCase, lists
/// for `<xSet><item>…</item></xSet>`, numbers, booleans and timestamps typed.
public indirect enum QueryShape: Sendable, Hashable {
    case string, int, bool, double, timestamp
    /// `<item>` elements, each of the element shape.
    case list(QueryShape)
    /// A structure named in the table the decoder is given.
    case structure(String)
}

/// One member of a structure: the SDK's name, its shape, and the XML element that carries it
/// (the name with a lower-case first letter unless the API says otherwise).
public struct QueryMember: Sendable, Hashable {
    public let name: String
    public let shape: QueryShape
    public let xml: String

    public init(_ name: String, _ shape: QueryShape = .string, xml: String? = nil) {
        self.name = name
        self.shape = shape
        self.xml = xml ?? (name.prefix(1).lowercased() + name.dropFirst())
    }
}

/// Turns XML into `Value`s shaped like botocore's parse of the same answer: members absent from
/// the XML are absent from the dictionary, present but empty structures are `{}`, empty lists
/// `[]`, timestamps the ISO 8601 text Python's `datetime.isoformat()` gives (`+00:00`).
public struct QueryShapeDecoder: Sendable {
    public let structures: [String: [QueryMember]]

    public init(structures: [String: [QueryMember]]) {
        self.structures = structures
    }

    public func decode(_ node: XMLTree, as shape: QueryShape) -> Value {
        switch shape {
        case .string: return .string(node.text)
        case .int: return Int(node.text.trimmingCharacters(in: .whitespaces)).map(Value.int) ?? .string(node.text)
        case .double: return Double(node.text.trimmingCharacters(in: .whitespaces)).map(Value.double) ?? .string(node.text)
        case .bool:
            switch node.text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(node.text)
            }
        case .timestamp: return .string(Self.isoformat(node.text))
        case .list(let element):
            return .list(node.children.filter { $0.name == "item" }.map { decode($0, as: element) })
        case .structure(let name):
            return .dict(decodeStructure(node, name))
        }
    }

    public func decodeStructure(_ node: XMLTree, _ name: String) -> OrderedDictionary<String, Value> {
        var out = OrderedDictionary<String, Value>()
        for member in structures[name] ?? [] {
            guard let child = node.child(member.xml) else { continue }
            out[member.name] = decode(child, as: member.shape)
        }
        return out
    }

    /// `2026-12-07T16:11:29.000Z` → `2026-12-07T16:11:29+00:00` (microseconds only when not zero),
    /// as botocore's datetime prints; text that is no timestamp is kept.
    static func isoformat(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = fractional.date(from: trimmed) ?? plain.date(from: trimmed) else { return text }
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let micros = Int(((seconds - whole) * 1_000_000).rounded())
        plain.timeZone = TimeZone(identifier: "UTC")
        plain.formatOptions = [.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime]
        let base = plain.string(from: Date(timeIntervalSince1970: whole))
        return base + (micros == 0 ? "" : String(format: ".%06d", micros)) + "+00:00"
    }
}
