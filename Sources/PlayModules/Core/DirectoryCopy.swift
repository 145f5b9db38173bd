import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor

/// `copy` of a controller directory: `src: dir` puts `dir` itself under `dest`, `src: dir/`
/// puts its contents there (as in Ansible). Each file's SHA-1 is compared on the target and only
/// differing files are written (atomically, from a tar stream unpacked beside them); missing
/// directories are created (with `directory_mode`); mode/owner/group apply to every file.
///
/// Round trips: a tree of up to `FileInstaller.inlineLimit` bytes goes with the first command
/// (one command in all); a larger one is first compared without its bytes, then only the files
/// that differ are sent (two commands when something changed, one when nothing did).
struct DirectoryCopy {
    struct Entry {
        var path: String
        var data: Data
        var mode: Int
    }

    var root: String
    var contentsOnly: Bool
    var dest: String
    var mode: FileMode?
    var directoryMode: FileMode?
    var owner: String?
    var group: String?
    var force: Bool
    var followLinks: Bool

    /// Directories (parents first) and files under `root`, relative to it.
    func scan() throws -> (directories: [String], files: [Entry]) {
        let manager = FileManager.default
        var directories: [String] = []
        var files: [Entry] = []
        func walk(_ relative: String) throws {
            let base = relative.isEmpty ? root : root + "/" + relative
            for name in try manager.contentsOfDirectory(atPath: base).sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = root + "/" + rel
                let attributes = try manager.attributesOfItem(atPath: full)
                var type = attributes[.type] as? FileAttributeType
                if type == .typeSymbolicLink {
                    guard followLinks else { continue }
                    var isDirectory: ObjCBool = false
                    guard manager.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
                    type = isDirectory.boolValue ? .typeDirectory : .typeRegular
                }
                if type == .typeDirectory {
                    directories.append(rel)
                    try walk(rel)
                } else if type == .typeRegular {
                    let followed = try manager.attributesOfItem(atPath: (full as NSString).resolvingSymlinksInPath)
                    let permissions = (followed[.posixPermissions] as? NSNumber)?.intValue ?? 0o644
                    files.append(Entry(path: rel, data: try Data(contentsOf: URL(fileURLWithPath: full)), mode: permissions & 0o7777))
                }
            }
        }
        try walk("")
        return (directories, files)
    }

    func run(_ context: ModuleContext) async throws -> TaskResult {
        let (directories, files) = try scan()
        let total = files.reduce(0) { $0 + $1.data.count }
        let connection = try await context.connection()
        var send: [Entry] = []
        var probe = !context.checkMode && total > FileInstaller.inlineLimit
        if !context.checkMode && !probe { send = files }
        while true {
            var stdin: Data?
            if !send.isEmpty {
                switch try await Self.tar(send, root: root) {
                case .success(let archive): stdin = archive
                case .failure(let failure): return .failed(failure.description)
                }
            }
            let text = script(directories: directories, files: files, checkMode: context.checkMode, probe: probe,
                              sent: Set(send.map(\.path)))
            guard text.utf8.count <= Self.scriptLimit else {
                return .failed("\(root) holds too many files (\(files.count)) to copy in one task: copy its"
                    + " subdirectories in separate tasks, or ship an archive and unpack it with a command")
            }
            let request = CommandRequest(
                command: text,
                stdin: stdin, environment: context.environment, become: context.become, becomeUser: context.becomeUser)
            let answer = try await connection.run(request)
            let records = ScriptRecords(answer.stdout)
            if let failure = records.failure(of: answer) { return failure }
            if probe, records.flag("probe") {
                let needed = Set(Self.needs(answer.stdout))
                send = files.filter { needed.contains($0.path) }
                probe = false
                continue
            }
            var r = TaskResult()
            r.changed = records.flag("changed")
            r["dest"] = .string(records["dest"] ?? dest)
            r["src"] = .string(root + (contentsOnly ? "/" : ""))
            return r
        }
    }

    struct PackFailure: Error {
        var description: String
    }

    /// Every `need=` record (one per file that differs).
    static func needs(_ output: Data) -> [String] {
        output.split(separator: 0).compactMap { record in
            let text = String(decoding: record, as: UTF8.self)
            return text.hasPrefix("need=") ? String(text.dropFirst(5)) : nil
        }
    }

    /// A tar stream of `entries` made by the controller's `tar` (names read NUL-separated from
    /// stdin, so no list is too long for a command line).
    static func tar(_ entries: [Entry], root: String) async throws -> Result<Data, PackFailure> {
        var list = Data()
        for entry in entries { list.append(Data(entry.path.utf8)); list.append(0) }
        let command = "tar -c -h -f - -C \(ShellWords.quote(root)) --null -T -"
        let answer = try await LocalConnection(hostName: "localhost").run(CommandRequest(command: command, stdin: list))
        guard answer.exitCode == 0 else {
            return .failure(PackFailure(description: "could not pack \(root) on the controller with tar: "
                + answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return .success(answer.stdout)
    }

    /// Scripts are one argument of `sh -c` on the target, which Linux caps at 128 KiB.
    static let scriptLimit = 120 * 1024

    func script(directories: [String], files: [Entry], checkMode: Bool, probe: Bool, sent: Set<String>) -> String {
        var s = [FileScript.settings(mode: mode == .preserve ? nil : mode, owner: owner, group: group,
                                     checkMode: checkMode, follow: false),
                 FileScript.functions]
        let name = (root as NSString).lastPathComponent
        s.append("_pD=\(ShellWord.expanded(dest))")
        s.append(contentsOnly ? #"_pB=$_pD"# : #"_pB="${_pD%/}/"\#(ShellWords.quote(name))"#)
        s.append("""
            _pforce=\(force ? 1 : 0); _pprobe=\(probe ? 1 : 0); _pdmode=\(ShellWords.quote(directoryMode?.shellText ?? ""))
            _pneeds=0; _pmk=0; _ptmp=; _pnew=$(printf %o $((0666 & ~$(umask))))
            """)
        s.append(#"""
            _pisdir() {
              if [ -d "$1" ]; then return 0; fi
              [ -e "$1" ] && _pfail "$1 exists and is not a directory"
              _pmk=1; return 1
            }
            _pdiffers() {
              _pt="$_pB/$1"
              [ -d "$_pt" ] && _pfail "$_pt is a directory"
              if [ -e "$_pt" ]; then
                [ "$_pforce" = 1 ] || return 1
                _pc=$(_psum sha1 "$_pt") || _pfail "Destination $_pt not readable"
                [ "$_pc" != "$2" ]
              fi
            }
            _pneed() { if _pdiffers "$1" "$2"; then _pneeds=1; printf 'need=%s\0' "$1"; fi; }
            _pmkdir() {
              [ -d "$1" ] && return 0
              _pe=$(mkdir -- "$1" 2>&1) || _pfail "could not create directory $1: $_pe"
              [ -z "$_pdmode" ] || chmod -- "$_pdmode" "$1" || _pfail "chmod failed on $1"
              [ -z "$_po" ] || chown -- "$_po" "$1" || _pfail "chown failed on $1"
              [ -z "$_pg" ] || chgrp -- "$_pg" "$1" || _pfail "chgrp failed on $1"
            }
            _pput() {
              if _pdiffers "$1" "$2"; then
                [ -n "$_ptmp" ] && [ -f "$_ptmp/$1" ] || { rm -rf "$_ptmp"; _pfail "$1 changed on the target during the copy; run the task again"; }
                _pt="$_pB/$1"
                if [ -n "$3" ]; then chmod "$3" "$_ptmp/$1"
                elif [ -e "$_pt" ]; then chmod "$(stat -c %a -- "$_pt")" "$_ptmp/$1"; chown "$(stat -c %u:%g -- "$_pt")" "$_ptmp/$1" 2>/dev/null
                else chmod "$_pnew" "$_ptmp/$1"; fi
                _pe=$(mv -f -- "$_ptmp/$1" "$_pt" 2>&1) || { rm -rf "$_ptmp"; _pfail "could not move $1 into place: $_pe"; }
                _pch=1
              fi
              [ -z "$3" ] || { _pm=$3; _pms=0; }
              _pattrs "$_pB/$1" 0
            }
            """#)
        // Pass 1: what differs (nothing is touched yet).
        s.append(#"_pisdir "$_pB""#)
        for directory in directories { s.append("_pisdir \"$_pB\"/\(ShellWords.quote(directory))") }
        for file in files { s.append("_pneed \(ShellWords.quote(file.path)) \(Digest.hex(file.data, .sha1))") }
        s.append(#"""
            if [ $_pneeds = 1 ] || [ $_pmk = 1 ]; then _pch=1; fi
            if [ "$_pck" = 1 ]; then printf 'dest=%s\0changed=%s\0' "$_pB" "$_pch"; exit 0; fi
            if [ $_pprobe = 1 ] && [ $_pneeds = 1 ]; then printf 'probe=1\0'; exit 0; fi
            if [ ! -d "$_pB" ]; then
              case $_pB in */*) _pparent=${_pB%/*}; [ -n "$_pparent" ] || _pparent=/;; *) _pparent=.;; esac
              _pe=$(mkdir -p -- "$_pparent" 2>&1) || _pfail "could not create directory $_pparent: $_pe"
              _pmkdir "$_pB"
            fi
            """#)
        for directory in directories { s.append("_pmkdir \"$_pB\"/\(ShellWords.quote(directory))") }
        if !sent.isEmpty {
            s.append(#"""
                _ptmp=$(mktemp -d "$_pB/.play-tmp-XXXXXX") || _pfail "could not create a temporary directory in $_pB"
                _pe=$(tar -x -o -f - -C "$_ptmp" 2>&1) || { rm -rf "$_ptmp"; _pfail "could not unpack the files: $_pe"; }
                """#)
        }
        // Pass 2: write what differs, then attributes on every file.
        for file in files {
            let preserve = mode == .preserve ? FileMode.octalText(file.mode) : "''"
            s.append("_pput \(ShellWords.quote(file.path)) \(Digest.hex(file.data, .sha1)) \(preserve)")
        }
        s.append(#"""
            [ -z "$_ptmp" ] || rm -rf "$_ptmp"
            printf 'dest=%s\0changed=%s\0' "$_pB" "$_pch"
            """#)
        return s.joined(separator: "\n")
    }
}
