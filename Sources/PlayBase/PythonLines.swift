extension String {
    /// The lines as Python's `str.splitlines(keepends=True)` gives them: split after `\n`, `\r`,
    /// `\r\n`, `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, U+2028 and U+2029, each line keeping its ending.
    public var pythonLinesKeepingEnds: [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasReturn = false
        for scalar in unicodeScalars {
            if previousWasReturn {
                previousWasReturn = false
                if scalar == "\n" {
                    current.append(scalar)
                    lines.append(String(current))
                    current = String.UnicodeScalarView()
                    continue
                }
                lines.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(scalar)
            switch scalar.value {
            case 0x0D: previousWasReturn = true
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                lines.append(String(current))
                current = String.UnicodeScalarView()
            default: break
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
