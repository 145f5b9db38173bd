import PlayBase

/// `loop_control:` of a task or include. Values that may be templates stay raw.
public struct LoopControl: Sendable, Hashable {
    /// The loop variable's name (`item` unless set).
    public var loopVar: String
    public var indexVar: String?
    /// Shown instead of the item in output (usually a template string).
    public var label: Value?
    /// Seconds to wait between items.
    public var pause: Value?
    public var extended: Value?
    /// `extended_allitems: false` leaves `allitems` out of `ansible_loop`.
    public var extendedAllItems: Value?
    public var breakWhen: [Condition]
    public var location: SourceLocation

    public init(loopVar: String = "item", indexVar: String? = nil, label: Value? = nil, pause: Value? = nil,
                extended: Value? = nil, breakWhen: [Condition] = [], location: SourceLocation) {
        self.loopVar = loopVar
        self.indexVar = indexVar
        self.label = label
        self.pause = pause
        self.extended = extended
        self.breakWhen = breakWhen
        self.location = location
    }
}
