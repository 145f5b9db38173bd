#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PlayVault

/// stdout for data only, stderr for ansible-style `[ERROR]:` / `[WARNING]:` lines and notices.
struct Console {
    var verbosity = 0

    var stdoutIsTerminal: Bool { isatty(1) == 1 }
    var stdinIsTerminal: Bool { isatty(0) == 1 }

    func error(_ message: String) { note("[ERROR]: \(message)") }
    func warning(_ message: String) { note("[WARNING]: \(message)") }

    /// A line on stderr.
    func note(_ message: String) {
        var standardError = StandardError()
        print(message, to: &standardError)
    }

    /// Raw bytes on stdout (decrypted data is written exactly, no newline added).
    func writeStdout(_ bytes: [UInt8]) throws {
        if let failure = FileIO.write(fd: 1, bytes) {
            throw VaultCLIError("Unable to write to stdout: \(failure.reason)")
        }
    }

    /// All of stdin.
    func readStdin() throws -> [UInt8] {
        switch FileIO.read(fd: 0) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw VaultCLIError("Unable to read source file (-): \(failure.reason)")
        }
    }
}

/// Unbuffered stderr for `print(_:to:)`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        _ = FileIO.write(fd: 2, Array(string.utf8))
    }
}
