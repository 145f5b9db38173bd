import CYaml
import Foundation

/// What a YAML document may make play build, checked on libyaml's events before anything is
/// built: nesting at most `maxDepth` collections deep (aliases count with the depth of what they
/// copy), and aliases that copy at most `maxAliasedValues` values in all. Without the second, a
/// "billion laughs" document of a few hundred bytes (nine levels of ten aliases each) expands to
/// 10^9 values; without the first, a deep `[[[[...` exhausts the stack of the recursive readers.
/// Both readers use it: `YAMLLoader` (Yams) checks the text first, the playbook reader in
/// PlayLanguage feeds it the events it composes from.
public struct YAMLBudget: Sendable {
    /// Far deeper than any playbook or vars file; shallow enough for a 512 KiB thread stack.
    public static let maxDepth = 200
    /// Values aliases may copy into one document.
    public static let maxAliasedValues = 1_000_000

    /// Why a document was refused, and where.
    public struct Exceeded: Error, Sendable {
        public var message: String
        /// 1-based.
        public var line: Int
        public var column: Int
    }

    /// An open collection: the values in it so far (itself included), how deep it goes, its anchor.
    private struct Frame: Sendable {
        var weight = 1
        var height = 1
        var anchor: String?
    }

    private var open: [Frame] = []
    /// Weight (values) and height (nesting) of each anchored node.
    private var anchors: [String: (weight: Int, height: Int)] = [:]
    private var aliased = 0

    public init() {}

    /// Accounts for one event; throws once a limit is passed.
    public mutating func handle(_ event: yaml_event_t) throws(Exceeded) {
        let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            aliased = 0
        case YAML_SCALAR_EVENT:
            if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = (1, 0) }
            add(weight: 1, height: 0)
        case YAML_ALIAS_EVENT:
            // An undefined alias is the composer's error to report.
            guard let target = anchors[Self.string(event.data.alias.anchor) ?? ""] else { return }
            if open.count + target.height > Self.maxDepth {
                throw Exceeded(message: "this alias nests its data more than \(Self.maxDepth) levels deep", line: line, column: column)
            }
            aliased = Self.saturating(aliased, target.weight)
            if aliased > Self.maxAliasedValues {
                throw Exceeded(message: "aliases in this document expand to more than \(Self.maxAliasedValues) values"
                    + " (a 'billion laughs' document?); write the data out instead of nesting aliases of aliases",
                    line: line, column: column)
            }
            add(weight: target.weight, height: target.height)
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            if open.count >= Self.maxDepth {
                throw Exceeded(message: "the data nests more than \(Self.maxDepth) levels deep", line: line, column: column)
            }
            let anchor = event.type == YAML_MAPPING_START_EVENT
                ? Self.string(event.data.mapping_start.anchor) : Self.string(event.data.sequence_start.anchor)
            open.append(Frame(anchor: anchor))
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let frame = open.popLast() else { return }
            if let anchor = frame.anchor { anchors[anchor] = (frame.weight, frame.height) }
            add(weight: frame.weight, height: frame.height)
        default:
            break
        }
    }

    private mutating func add(weight: Int, height: Int) {
        guard !open.isEmpty else { return }
        open[open.count - 1].weight = Self.saturating(open[open.count - 1].weight, weight)
        open[open.count - 1].height = max(open[open.count - 1].height, height + 1)
    }

    /// Sums stop growing far above any limit, so nested aliases cannot overflow them.
    private static func saturating(_ a: Int, _ b: Int) -> Int {
        min(a + min(b, 1 << 40), 1 << 40)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Runs `text` through libyaml's parser and the budget, for readers that compose with Yams.
    /// A syntax error is left to the reader, which reports it with its own words.
    public static func check(_ text: String, file: String) throws(Diagnostic) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        let exceeded: Exceeded? = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var budget = YAMLBudget()
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                do throws(Exceeded) { try budget.handle(event) } catch { return error }
                if event.type == YAML_STREAM_END_EVENT { return nil }
            }
            return nil
        }
        if let exceeded { throw diagnostic(exceeded, file: file) }
    }

    /// The refusal as a diagnostic at its position.
    public static func diagnostic(_ exceeded: Exceeded, file: String) -> Diagnostic {
        .error(at: SourceLocation(file: file, line: exceeded.line, column: exceeded.column),
               "YAML document refused: \(exceeded.message)")
    }
}
