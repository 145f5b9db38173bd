/// Python's `difflib.SequenceMatcher` without a junk function (as `unified_diff` uses it), over
/// sequences of hashable elements: the same matching blocks and opcodes for the same input,
/// including the "autojunk" rule that ignores elements of `b` that are too frequent once `b` has
/// 200 elements or more.
public struct SequenceMatcher<Element: Hashable> {
    public enum Tag: String, Sendable { case equal, replace, delete, insert }

    public struct Opcode: Equatable, Sendable {
        public var tag: Tag
        public var aStart: Int, aEnd: Int, bStart: Int, bEnd: Int
        public init(_ tag: Tag, _ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int) {
            self.tag = tag
            self.aStart = aStart
            self.aEnd = aEnd
            self.bStart = bStart
            self.bEnd = bEnd
        }
    }

    public struct Match: Equatable, Sendable {
        public var a: Int, b: Int, size: Int
    }

    public let a: [Element]
    public let b: [Element]
    /// Where each element of `b` occurs, in ascending order; popular elements are left out.
    private let positionsInB: [Element: [Int]]

    public init(_ a: [Element], _ b: [Element], autojunk: Bool = true) {
        self.a = a
        self.b = b
        var positions: [Element: [Int]] = [:]
        for (j, element) in b.enumerated() { positions[element, default: []].append(j) }
        if autojunk && b.count >= 200 {
            let limit = b.count / 100 + 1
            positions = positions.filter { $0.value.count <= limit }
        }
        positionsInB = positions
    }

    /// The longest block of equal elements in `a[aLow..<aHigh]` and `b[bLow..<bHigh]`, earliest in
    /// `a` then in `b` among equals, then grown by equal neighbours (popular ones included).
    public func longestMatch(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) -> Match {
        var bestA = aLow, bestB = bLow, bestSize = 0
        // Length of the match ending at each position of `b`, for the previous element of `a`.
        var lengths: [Int: Int] = [:]
        for i in aLow..<max(aLow, aHigh) {
            var next: [Int: Int] = [:]
            for j in positionsInB[a[i]] ?? [] {
                if j < bLow { continue }
                if j >= bHigh { break }
                let k = (lengths[j - 1] ?? 0) + 1
                next[j] = k
                if k > bestSize { bestA = i - k + 1; bestB = j - k + 1; bestSize = k }
            }
            lengths = next
        }
        while bestA > aLow && bestB > bLow && a[bestA - 1] == b[bestB - 1] {
            bestA -= 1; bestB -= 1; bestSize += 1
        }
        while bestA + bestSize < aHigh && bestB + bestSize < bHigh && a[bestA + bestSize] == b[bestB + bestSize] {
            bestSize += 1
        }
        return Match(a: bestA, b: bestB, size: bestSize)
    }

    /// The non-adjacent matching blocks in order, ending with the empty block `(a.count, b.count, 0)`.
    public func matchingBlocks() -> [Match] {
        var pending = [(0, a.count, 0, b.count)]
        var found: [Match] = []
        while let (aLow, aHigh, bLow, bHigh) = pending.popLast() {
            let m = longestMatch(aLow, aHigh, bLow, bHigh)
            guard m.size > 0 else { continue }
            found.append(m)
            if aLow < m.a && bLow < m.b { pending.append((aLow, m.a, bLow, m.b)) }
            if m.a + m.size < aHigh && m.b + m.size < bHigh { pending.append((m.a + m.size, aHigh, m.b + m.size, bHigh)) }
        }
        found.sort { ($0.a, $0.b, $0.size) < ($1.a, $1.b, $1.size) }
        var merged: [Match] = []
        var current = Match(a: 0, b: 0, size: 0)
        for m in found {
            if current.a + current.size == m.a && current.b + current.size == m.b {
                current.size += m.size
            } else {
                if current.size > 0 { merged.append(current) }
                current = m
            }
        }
        if current.size > 0 { merged.append(current) }
        merged.append(Match(a: a.count, b: b.count, size: 0))
        return merged
    }

    /// The edits that turn `a` into `b`.
    public func opcodes() -> [Opcode] {
        var i = 0, j = 0
        var codes: [Opcode] = []
        for m in matchingBlocks() {
            let tag: Tag? = i < m.a && j < m.b ? .replace : i < m.a ? .delete : j < m.b ? .insert : nil
            if let tag { codes.append(Opcode(tag, i, m.a, j, m.b)) }
            i = m.a + m.size
            j = m.b + m.size
            if m.size > 0 { codes.append(Opcode(.equal, m.a, i, m.b, j)) }
        }
        return codes
    }

    /// The opcodes in hunks with at most `context` equal elements around each change.
    public func groupedOpcodes(context n: Int = 3) -> [[Opcode]] {
        var codes = opcodes()
        if codes.isEmpty { codes = [Opcode(.equal, 0, 1, 0, 1)] }
        if codes[0].tag == .equal {
            let c = codes[0]
            codes[0] = Opcode(.equal, max(c.aStart, c.aEnd - n), c.aEnd, max(c.bStart, c.bEnd - n), c.bEnd)
        }
        if codes[codes.count - 1].tag == .equal {
            let c = codes[codes.count - 1]
            codes[codes.count - 1] = Opcode(.equal, c.aStart, min(c.aEnd, c.aStart + n), c.bStart, min(c.bEnd, c.bStart + n))
        }
        var groups: [[Opcode]] = []
        var group: [Opcode] = []
        for var c in codes {
            if c.tag == .equal && c.aEnd - c.aStart > 2 * n {
                group.append(Opcode(.equal, c.aStart, min(c.aEnd, c.aStart + n), c.bStart, min(c.bEnd, c.bStart + n)))
                groups.append(group)
                group = []
                c.aStart = max(c.aStart, c.aEnd - n)
                c.bStart = max(c.bStart, c.bEnd - n)
            }
            group.append(c)
        }
        if !group.isEmpty && !(group.count == 1 && group[0].tag == .equal) { groups.append(group) }
        return groups
    }
}
