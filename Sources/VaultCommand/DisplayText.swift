/// Decrypted bytes as ansible-vault's `view` displays them: CRLF becomes LF, each run of bytes that
/// are not valid UTF-8 becomes one `?` (Python's replacing error handler sees a run of escaped
/// bytes as one error), and the text ends with the LF it had or one added.
struct DisplayText {
    private(set) var bytes: [UInt8] = []
    private(set) var replacedInvalidBytes = false

    init(_ plaintext: [UInt8]) {
        bytes.reserveCapacity(plaintext.count + 1)
        var replaced = false
        plaintext.withUnsafeBufferPointer { source in
            let n = source.count
            var i = 0, runStart = 0
            var inInvalidRun = false
            // Copies plain stretches in bulk; stops only at CR and non-ASCII bytes.
            func flush(to end: Int) {
                if end > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<end])) }
            }
            while i < n {
                let b = source[i]
                if b < 0x80 && b != 0x0D {
                    inInvalidRun = false
                    i += 1
                    continue
                }
                if b == 0x0D {
                    inInvalidRun = false
                    if i + 1 < n && source[i + 1] == 0x0A {
                        flush(to: i)
                        runStart = i + 1
                    }
                    i += 1
                    continue
                }
                let valid = Self.validSequenceLength(source, at: i)
                if valid > 0 {
                    inInvalidRun = false
                    i += valid
                    continue
                }
                flush(to: i)
                if !inInvalidRun { bytes.append(UInt8(ascii: "?")) }
                inInvalidRun = true
                replaced = true
                i += 1
                runStart = i
            }
            flush(to: n)
        }
        replacedInvalidBytes = replaced
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
    }

    /// Length of the well-formed UTF-8 sequence starting at `i` (no overlongs, no surrogates,
    /// nothing above U+10FFFF), or 0.
    static func validSequenceLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = s[i]
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            i + k < s.count && range.contains(s[i + k])
        }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
