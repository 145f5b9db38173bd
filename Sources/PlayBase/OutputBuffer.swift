import Foundation

/// A child's output kept in memory up to a limit: the first half of the limit as it came, then
/// the latest bytes; whatever falls between is counted and dropped, and `result` puts a notice
/// where it was. A command that prints without end (a `yes`, a log tailed by mistake) then costs
/// at most one and a half times the limit, and its output still shows how it began and ended.
///
/// The buffer is one `Data`: the head (at most `limit / 2` bytes), then the tail. Once the tail
/// grows past `limit` it is cut back to its latest `limit / 2` bytes, so each byte is copied at
/// most once more on average.
public struct OutputBuffer: Sendable {
    /// Output kept per stream when a caller sets no limit of its own: 64 MiB.
    public static let defaultLimit = 64 << 20

    public let limit: Int
    /// The bytes kept: the head, then (after a cut) the latest bytes.
    public private(set) var bytes = Data()
    /// Bytes dropped so far, all of them between `limit / 2` and the tail.
    public private(set) var omitted = 0

    public init(limit: Int = OutputBuffer.defaultLimit) {
        precondition(limit >= 2, "an output limit keeps at least two bytes")
        self.limit = limit
    }

    private var headLength: Int { limit / 2 }

    public mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
        if bytes.count - headLength > limit { cut(keepingTail: limit - headLength) }
    }

    public mutating func append(_ chunk: Data) {
        chunk.withUnsafeBytes { append($0) }
    }

    /// The output up to `end` (an index into `bytes`; all of it when nil) at most `limit` bytes
    /// long, with a notice where bytes were dropped; `dropped` is how many.
    public func result(upTo end: Int? = nil) -> (data: Data, dropped: Int) {
        var copy = self
        if let end, end < copy.bytes.count { copy.bytes.removeSubrange(end...) }
        if copy.bytes.count > limit { copy.cut(keepingTail: limit - headLength) }
        guard copy.omitted > 0 else { return (copy.bytes, 0) }
        var data = copy.bytes.prefix(headLength)
        data.append(Data(Self.notice(omitted: copy.omitted, limit: limit).utf8))
        data.append(copy.bytes.dropFirst(headLength))
        return (Data(data), copy.omitted)
    }

    /// What stands where output was dropped.
    public static func notice(omitted: Int, limit: Int) -> String {
        "\n[play: \(omitted) bytes of output omitted here; play keeps the first and last \(limit / 2) bytes"
            + " of a command's output (limit \(ByteSize.describe(limit)))]\n"
    }

    private mutating func cut(keepingTail tail: Int) {
        let drop = bytes.count - headLength - tail
        guard drop > 0 else { return }
        let start = bytes.startIndex + headLength
        bytes.removeSubrange(start..<(start + drop))
        omitted += drop
    }
}
