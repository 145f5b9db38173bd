/// The ad-hoc style stdout callbacks (`minimal`, `oneline`): each host's result as its own block,
/// loop items left out (only a loop's result shows), warnings and interruptions as the default
/// callback prints them, nothing else.
protocol HostLineRenderer: EventRenderer {
    var colour: Bool { get }
    /// The default callback, for the lines these share with it.
    var human: HumanRenderer { get }
    func resultText(_ r: HostResult) -> String
}

extension HostLineRenderer {
    public func render(_ event: PlayEvent) -> String {
        switch event {
        case .hostResult(let r):
            if r.itemLabel != nil && !r.isLoopSummary { return "" }
            return resultText(r)
        case .warning, .interrupted:
            return human.render(event)
        default:
            return ""
        }
    }

    func paint(_ s: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
