#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private (0700) directory on a memory filesystem for plaintext an editor must see. It never
/// touches persistent disk, and everything in it (the editor's swap and backup files included)
/// is zeroed and removed when the scope ends, however it ends.
package final class MemoryScratchDirectory {
    package let path: String

    private init(path: String) { self.path = path }

    /// Runs `body` with a fresh directory under `$XDG_RUNTIME_DIR` or `/dev/shm`, whichever is first
    /// to be a writable memory filesystem; wipes it afterwards.
    package static func with<T>(environment: [String: String],
                                _ body: (MemoryScratchDirectory) throws(VaultError) -> T) throws(VaultError) -> T {
        let base = try memoryFilesystem(environment: environment)
        sweepStale(in: base)
        var template = Array("\(base)/\(prefix)\(getpid())-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw VaultError(.editor, "could not create a private directory in \(base): \(FileIO.Failure(errno: errno).reason)")
        }
        let directory = MemoryScratchDirectory(path: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        chmod(directory.path, 0o700)
        defer { directory.wipe() }
        return try body(directory)
    }

    /// Creates `tmpXXXXXXXX<suffix>` (mode 0600) holding `contents`; the suffix keeps the original
    /// file's extension so the editor highlights YAML as YAML.
    package func makeFile(suffix: String, contents: [UInt8]) throws(VaultError) -> String {
        var template = Array("\(path)/tmpXXXXXXXX\(suffix)".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        guard fd >= 0 else {
            throw VaultError(.editor, "could not create a temporary file in \(path): \(FileIO.Failure(errno: errno).reason)")
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        if let failure = FileIO.write(fd: fd, contents) {
            throw VaultError(.editor, "could not write the temporary file: \(failure.reason)")
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Scratch directories are named `play-vault-PID-XXXXXX` after the process that made them.
    static let prefix = "play-vault-"

    /// Wipes the scratch directories a crashed edit left in `base` (plaintext in memory until
    /// the next reboot otherwise): only ours (our name, our user, a directory and not a link)
    /// and only stale ones (their process is gone).
    static func sweepStale(in base: String) {
        guard let handle = opendir(base) else { return }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(prefix) { names.append(name) }
        }
        closedir(handle)
        for name in names {
            let fields = name.dropFirst(prefix.count).split(separator: "-")
            guard fields.count == 2, fields[1].count == 6, let pid = pid_t(fields[0]), pid > 0 else { continue }
            let path = "\(base)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid() else { continue }
            // A live pid keeps its directory, even if the pid was reused: never wipe a running edit.
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
            wipe(directory: path)
        }
    }

    /// Zeroes and unlinks every file below the directory, then removes it.
    package func wipe() {
        Self.wipe(directory: path)
    }

    private static func wipe(directory: String) {
        if let handle = opendir(directory) {
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names {
                let child = "\(directory)/\(name)"
                var info = stat()
                guard lstat(child, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    wipe(directory: child)
                case S_IFREG:
                    let fd = open(child, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
                    if fd >= 0 {
                        FileIO.scrub(fd: fd)
                        close(fd)
                    }
                    unlink(child)
                default:
                    unlink(child)
                }
            }
        }
        rmdir(directory)
    }

    static func memoryFilesystem(environment: [String: String]) throws(VaultError) -> String {
        let candidates = [environment["XDG_RUNTIME_DIR"], "/dev/shm"].compactMap { $0 }.filter { !$0.isEmpty }
        let mounts = FileIO.readAll(path: "/proc/self/mounts").map { String(decoding: $0, as: UTF8.self) } ?? ""
        for candidate in candidates where access(candidate, W_OK | X_OK) == 0 {
            guard let real = FileIO.realPath(candidate) else { continue }
            if ["tmpfs", "ramfs"].contains(filesystemType(of: real, mounts: mounts)) { return real }
        }
        throw VaultError(.editor,
            "no memory filesystem for the decrypted temporary file: neither $XDG_RUNTIME_DIR nor /dev/shm is a writable tmpfs; set XDG_RUNTIME_DIR to a tmpfs directory you own")
    }

    /// The type of the mount holding `path`: the longest mount point that contains it wins.
    static func filesystemType(of path: String, mounts: String) -> String? {
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Mount points escape space, tab, newline and backslash as octal.
            let point = String(fields[1]).replacingOctalEscapes()
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains, point.count >= (best?.point.count ?? 0) { best = (point, String(fields[2])) }
        }
        return best?.type
    }
}

extension String {
    /// `\040` -> " " as in /proc/self/mounts.
    func replacingOctalEscapes() -> String {
        guard contains("\\") else { return self }
        var out: [UInt8] = []
        let bytes = Array(utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
               let value = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(value)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
