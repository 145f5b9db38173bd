/// How a task loops: `loop:` or one of the `with_<lookup>` forms (each has its own item shaping,
/// e.g. `with_items` flattens one level and `with_dict` yields `{key, value}` items).
public enum LoopKind: String, Sendable, Hashable, CaseIterable {
    case loop
    case withItems = "with_items"
    case withList = "with_list"
    case withDict = "with_dict"
    case withIndexedItems = "with_indexed_items"
    case withNested = "with_nested"
    case withTogether = "with_together"
    case withFlattened = "with_flattened"
    case withSequence = "with_sequence"
    case withSubelements = "with_subelements"
    case withFileglob = "with_fileglob"
    case withRandomChoice = "with_random_choice"
    case withFile = "with_file"
    case withFirstFound = "with_first_found"

    /// The lookup plugin whose `query` gives the items, for the forms that run one.
    public var lookupPlugin: String? {
        switch self {
        case .withFile: return "file"
        case .withFirstFound: return "first_found"
        default: return nil
        }
    }

    /// The keyword as written in a playbook.
    public var keyword: String { rawValue }
}
