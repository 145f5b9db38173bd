#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files so that a crash leaves either the old or the new content, never a mix:
/// write a sibling temp file, fsync it, rename it over the target, fsync the directory.
package enum AtomicFile {
    package struct Attributes: Sendable {
        package var mode: mode_t
        /// Owner to restore (only root can give a file away; failures are ignored as ansible does).
        package var owner: (uid: uid_t, gid: gid_t)?

        package init(mode: mode_t, owner: (uid: uid_t, gid: gid_t)? = nil) {
            self.mode = mode
            self.owner = owner
        }

        /// The mode and owner of an existing file.
        package static func of(_ path: String) -> Attributes? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return Attributes(mode: info.st_mode & 0o7777, owner: (info.st_uid, info.st_gid))
        }
    }

    /// Writes `contents` to `path`, replacing any file there. With `scrubOld`, the replaced file's
    /// bytes are zeroed after the rename (it held plaintext that is now encrypted).
    package static func write(_ contents: [UInt8], to path: String, attributes: Attributes,
                              scrubOld: Bool = false) throws(VaultError) {
        let temp = try writeTemp(contents, beside: path, attributes: attributes)
        var old: Int32 = -1
        if scrubOld {
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 {
                old = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            }
        }
        defer { if old >= 0 { close(old) } }
        guard rename(temp, path) == 0 else {
            let failure = FileIO.Failure(errno: errno)
            unlink(temp)
            throw VaultError(.io, "Unable to write \(path): \(failure.reason)")
        }
        syncDirectory(of: path)
        if old >= 0 { FileIO.scrub(fd: old) }
    }

    /// Like `write`, but fails if `path` exists by then (`create` must not clobber a file that
    /// appeared while the editor was open).
    package static func create(_ contents: [UInt8], at path: String, attributes: Attributes) throws(VaultError) {
        let temp = try writeTemp(contents, beside: path, attributes: attributes)
        defer { unlink(temp) }
        guard link(temp, path) == 0 else {
            let failure = FileIO.Failure(errno: errno)
            if failure.errno == EEXIST {
                throw VaultError(.io, "\(path) exists, please use 'edit' instead")
            }
            throw VaultError(.io, "Unable to write \(path): \(failure.reason)")
        }
        syncDirectory(of: path)
    }

    private static func writeTemp(_ contents: [UInt8], beside path: String, attributes: Attributes) throws(VaultError) -> String {
        let directory = FileIO.directory(of: path)
        var template = Array("\(directory)/.\(FileIO.baseName(of: path)).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let failure = FileIO.Failure(errno: errno)
            if failure.errno == EACCES || failure.errno == EROFS {
                throw VaultError(.io, "Destination '\(directory)' not writable")
            }
            throw VaultError(.io, "Unable to write \(path): \(failure.reason)")
        }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(fd) }
        if let owner = attributes.owner, owner.uid != geteuid() || owner.gid != getegid() {
            _ = fchown(fd, owner.uid, owner.gid)
        }
        if let failure = FileIO.write(fd: fd, contents) ?? (fchmod(fd, attributes.mode) == 0 ? nil : FileIO.Failure(errno: errno))
            ?? (fsync(fd) == 0 ? nil : FileIO.Failure(errno: errno)) {
            unlink(temp)
            throw VaultError(.io, "Unable to write \(path): \(failure.reason)")
        }
        return temp
    }

    private static func syncDirectory(of path: String) {
        let fd = open(FileIO.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
