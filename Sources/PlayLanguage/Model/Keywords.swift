import OrderedCollections
import PlayBase

/// The keywords a block, a task or an include may set and that children inherit (Ansible's
/// inheritable FieldAttributes). Values stay raw: a keyword may be a template (`"{{ flag }}"`),
/// which only the executor can render. Absent keywords are nil.
public struct Keywords: Sendable, Hashable {
    public var become: Value?
    public var becomeUser: Value?
    public var becomeMethod: Value?
    public var becomeFlags: Value?
    public var ignoreErrors: Value?
    public var ignoreUnreachable: Value?
    public var noLog: Value?
    /// A dict, or a template string that renders to one.
    public var environment: Value?
    public var delegateTo: Value?
    public var delegateFacts: Value?
    public var runOnce: Value?
    public var checkMode: Value?
    public var diff: Value?
    public var anyErrorsFatal: Value?
    public var connection: Value?
    public var remoteUser: Value?
    public var port: Value?
    public var throttle: Value?
    public var timeout: Value?
    /// `module_defaults`: module (canonical short name) or `group/NAME` → default arguments.
    public var moduleDefaults: OrderedDictionary<String, Value>?

    public init() {}
}

/// The keywords of one task (or include) after inheritance play -> blocks/imports -> task:
/// the innermost value that is set wins, except `environment`, which collects every level.
public struct EffectiveKeywords: Sendable, Hashable {
    public var become: Value?
    public var becomeUser: Value?
    public var becomeMethod: Value?
    public var becomeFlags: Value?
    public var ignoreErrors: Value?
    public var ignoreUnreachable: Value?
    public var noLog: Value?
    /// Every `environment:` on the way down, outermost first; later entries override earlier keys.
    public var environment: [Value]
    public var delegateTo: Value?
    public var delegateFacts: Value?
    public var runOnce: Value?
    public var checkMode: Value?
    public var diff: Value?
    public var anyErrorsFatal: Value?
    public var connection: Value?
    public var remoteUser: Value?
    public var port: Value?
    public var throttle: Value?
    public var timeout: Value?
    /// Every `module_defaults:` on the way down, outermost first; an inner level's entry for a
    /// module replaces an outer one (Ansible updates one dict with each level in turn).
    public var moduleDefaults: [OrderedDictionary<String, Value>] = []

    public init() { environment = [] }

    /// Applies an inner level's keywords over these (inner wins; environments accumulate).
    public func overlaid(with k: Keywords) -> EffectiveKeywords {
        var r = self
        if let v = k.become { r.become = v }
        if let v = k.becomeUser { r.becomeUser = v }
        if let v = k.becomeMethod { r.becomeMethod = v }
        if let v = k.becomeFlags { r.becomeFlags = v }
        if let v = k.ignoreErrors { r.ignoreErrors = v }
        if let v = k.ignoreUnreachable { r.ignoreUnreachable = v }
        if let v = k.noLog { r.noLog = v }
        if let v = k.environment { r.environment.append(v) }
        if let v = k.delegateTo { r.delegateTo = v }
        if let v = k.delegateFacts { r.delegateFacts = v }
        if let v = k.runOnce { r.runOnce = v }
        if let v = k.checkMode { r.checkMode = v }
        if let v = k.diff { r.diff = v }
        if let v = k.anyErrorsFatal { r.anyErrorsFatal = v }
        if let v = k.connection { r.connection = v }
        if let v = k.remoteUser { r.remoteUser = v }
        if let v = k.port { r.port = v }
        if let v = k.throttle { r.throttle = v }
        if let v = k.timeout { r.timeout = v }
        if let v = k.moduleDefaults { r.moduleDefaults.append(v) }
        return r
    }
}

/// Model nodes that carry inheritable keywords; the accessors read like Ansible's keyword names.
public protocol KeywordCarrier {
    var keywords: Keywords { get set }
}

extension KeywordCarrier {
    public var become: Value? { get { keywords.become } set { keywords.become = newValue } }
    public var becomeUser: Value? { get { keywords.becomeUser } set { keywords.becomeUser = newValue } }
    public var ignoreErrors: Value? { get { keywords.ignoreErrors } set { keywords.ignoreErrors = newValue } }
    public var noLog: Value? { get { keywords.noLog } set { keywords.noLog = newValue } }
    public var environment: Value? { get { keywords.environment } set { keywords.environment = newValue } }
    public var delegateTo: Value? { get { keywords.delegateTo } set { keywords.delegateTo = newValue } }
    public var runOnce: Value? { get { keywords.runOnce } set { keywords.runOnce = newValue } }
    public var checkMode: Value? { get { keywords.checkMode } set { keywords.checkMode = newValue } }
    public var anyErrorsFatal: Value? { get { keywords.anyErrorsFatal } set { keywords.anyErrorsFatal = newValue } }
}
