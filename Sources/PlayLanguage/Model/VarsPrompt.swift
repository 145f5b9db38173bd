import OrderedCollections
import PlayBase

/// One entry of a play's `vars_prompt`: a variable asked for on the terminal before the play
/// starts, unless `-e` gives it.
public struct VarsPrompt: Sendable, Hashable {
    public var name: String
    /// The text shown; Ansible shows "input for NAME" when it is absent.
    public var prompt: String?
    /// Hide what is typed (Ansible's default).
    public var isPrivate: Bool
    /// Used for an empty answer, and when there is no terminal.
    public var defaultValue: Value?
    /// Ask twice and require the same answer.
    public var confirm: Bool
    /// The answer is never templated.
    public var unsafe: Bool
    /// `encrypt`: the answer is stored as this crypt(3) hash of it, with `salt` or a random salt
    /// of `saltSize` characters.
    public var encrypt: CryptHash.Scheme?
    public var salt: String?
    public var saltSize: Int?
    public var location: SourceLocation

    public init(name: String, prompt: String? = nil, isPrivate: Bool = true, defaultValue: Value? = nil,
                confirm: Bool = false, unsafe: Bool = false, location: SourceLocation) {
        self.name = name
        self.prompt = prompt
        self.isPrivate = isPrivate
        self.defaultValue = defaultValue
        self.confirm = confirm
        self.unsafe = unsafe
        self.location = location
    }
}

extension Play {
    /// What listings and syntax checks use for prompted variables, as Ansible: nothing is asked,
    /// each takes its default (absent when it has none).
    public var promptDefaults: OrderedDictionary<String, Value> {
        var defaults: OrderedDictionary<String, Value> = [:]
        for prompt in varsPrompt { if let value = prompt.defaultValue { defaults[prompt.name] = value } }
        return defaults
    }
}
