#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prompts on the controlling terminal (`/dev/tty`, like getpass), never on stdin, so piped input
/// and output stay untouched. Hidden input runs with echo and signal keys off: Ctrl-C arrives as a
/// byte, so the terminal is always restored before we give up.
public struct TerminalPrompter: VaultPasswordPrompter {
    public init() {}

    public func read(prompt: String, echo: Bool) throws(VaultError) -> [UInt8]? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VaultError(.noTerminal,
                "no terminal to ask for a vault password on (\(prompt.trimmingSpaceAndColon)): give --vault-password-file FILE or --vault-id LABEL@FILE instead")
        }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else {
            throw VaultError(.noTerminal, "/dev/tty is not a terminal: give --vault-password-file FILE or --vault-id LABEL@FILE instead")
        }
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        let special = withUnsafeBytes(of: original.c_cc) { cc in
            (interrupt: cc[Int(VINTR)], eof: cc[Int(VEOF)], erase: cc[Int(VERASE)], kill: cc[Int(VKILL)])
        }
        tcsetattr(fd, TCSAFLUSH, &raw)
        defer { tcsetattr(fd, TCSAFLUSH, &original) }

        write(fd, prompt)
        var line: [UInt8] = []
        while true {
            var byte: UInt8 = 0
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || (byte == special.eof && line.isEmpty) {
                write(fd, "\n")
                return line.isEmpty ? nil : line
            }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), special.eof:
                write(fd, "\n")
                return line
            case special.interrupt:
                write(fd, "\n")
                throw VaultError(.interrupted, "User interrupted execution")
            case special.erase, 0x08, 0x7F:
                // Drop one whole UTF-8 character.
                while let last = line.popLast(), last & 0xC0 == 0x80 {}
                if echo { write(fd, "\u{8} \u{8}") }
            case special.kill:
                line.removeAll()
                if echo { write(fd, "\r\u{1B}[K\(prompt)") }
            default:
                if byte < 0x20 { continue }  // other control keys (Ctrl-Z, Ctrl-\) do nothing here
                line.append(byte)
                if echo { _ = Glibc.write(fd, &byte, 1) }
            }
        }
    }

    private func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(fd, &bytes, bytes.count)
    }
}

extension String {
    /// "Vault password (prod): " -> "Vault password (prod)", for error messages.
    var trimmingSpaceAndColon: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == ":" { s = s.dropLast() }
        return String(s)
    }
}
