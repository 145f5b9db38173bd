import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `get_url`: downloads a URL on the target (curl or wget there, see `HTTPDownload`) into a
/// temporary file, then moves it over `dest` only when its SHA-1 differs, as Ansible's module
/// does: an existing `dest` with `force: false` is asked for with `If-Modified-Since` (304 keeps
/// it), and with a `checksum` that already matches is not downloaded at all. Check mode makes a
/// HEAD request. One command a call (two with a checksum URL, whose file is read first).
public struct GetURLModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "get_url", arguments: [
        ArgumentSpec("url", .string, required: true),
        ArgumentSpec("dest", .path, required: true),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("checksum", .string, defaultValue: ""),
        ArgumentSpec("force", .bool, aliases: ["thirsty"], defaultValue: false),
        ArgumentSpec("timeout", .int, defaultValue: 10),
        ArgumentSpec("headers", .dict),
        ArgumentSpec("tmp_dest", .path),
        ArgumentSpec("url_username", .string, aliases: ["username"]),
        ArgumentSpec("url_password", .string, aliases: ["password"]),
        ArgumentSpec("force_basic_auth", .bool, defaultValue: false),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("use_proxy", .bool, defaultValue: true),
        ArgumentSpec("http_agent", .string, defaultValue: "ansible-httpget"),
        ArgumentSpec("decompress", .bool, defaultValue: true),
        ArgumentSpec("unredirected_headers", .list, defaultValue: [], elements: .string),
        ArgumentSpec("use_netrc", .bool, defaultValue: true),
        ArgumentSpec("use_gssapi", .bool, defaultValue: false),
        ArgumentSpec("client_cert", .path),
        ArgumentSpec("client_key", .path),
        ArgumentSpec("ciphers", .list, elements: .string),
    ] + FileAttributeArguments.all, freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let url = context.string("url") ?? ""
        let dest = context.string("dest") ?? ""
        let masked = HTTPDownload.masked(url)
        var base: OrderedDictionary<String, Value> = [
            "changed": false, "checksum_dest": .null, "checksum_src": .null, "dest": .string(dest), "elapsed": 0,
            "url": .string(masked),
        ]
        let mode: FileMode?
        switch FileAttributeArguments.mode(context) {
        case .success(let m): mode = m
        case .failure(let error): return .failed(error.description, base)
        }
        var download = HTTPDownload()
        download.timeout = context.int("timeout") ?? 10
        download.username = context.string("url_username")
        download.password = context.string("url_password")
        download.forceBasicAuth = context.bool("force_basic_auth")
        download.validateCerts = context.bool("validate_certs", default: true)
        download.userAgent = context.string("http_agent") ?? "ansible-httpget"
        download.decompress = context.bool("decompress", default: true)
        download.useProxy = context.bool("use_proxy", default: true)
        download.clientCert = context.string("client_cert")
        download.clientKey = context.string("client_key")
        for (name, value) in context.args["headers"]?.dictValue ?? [:] {
            download.headers.append((name, value.renderedString))
        }
        let connection = try await context.connection()
        let clock = ContinuousClock.now

        var algorithm = "", wanted = ""
        if let checksum = context.string("checksum"), !checksum.isEmpty {
            guard let colon = checksum.firstIndex(of: ":") else {
                return .failed("The checksum parameter has to be in format <algorithm>:<checksum>", base)
            }
            algorithm = String(checksum[..<colon]).lowercased()
            var value = String(checksum[checksum.index(after: colon)...])
            guard ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"].contains(algorithm) else {
                return .failed("Unsupported hash algorithm '\(algorithm)': use md5, sha1, sha224, sha256, sha384 or sha512", base)
            }
            if Self.isURL(value) {
                let script = download.functions + "\n" + #"""
                    _pt=$(mktemp "${TMPDIR:-/tmp}/play-checksum-XXXXXX") || { printf 'failed=could not create a temporary file\0'; exit 0; }
                    _pdl \#(ShellWords.quote(value)) "$_pt"
                    printf 'status=%s\0err=%s\0sums=%s\0' "$_pdlstatus" "$_pdlerr" "$(cat "$_pt")"
                    rm -f "$_pt" "$_pt.h"
                    """#
                let answer = try await connection.run(request(script, context))
                let records = ScriptRecords(answer.stdout)
                if let failure = records.failure(of: answer) { return failure }
                guard records["status"] == "200" || value.hasPrefix("file:/") else {
                    return .failed(records["err"].flatMap { $0.isEmpty ? nil : "Request failed: \($0)" } ?? "Request failed",
                                   ["status_code": .string(records["status"] ?? ""), "url": .string(HTTPDownload.masked(value)),
                                    "dest": .string(dest)])
                }
                let file = HTTPDownload.fileName(url)
                guard let sum = ChecksumFile.digest(for: file, in: records["sums"] ?? "") else {
                    return .failed("Unable to find a checksum for file '\(file)' in '\(HTTPDownload.masked(value))'")
                }
                value = sum
            }
            wanted = String(value.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "_" }).lowercased()
            guard !wanted.isEmpty, wanted.allSatisfy(\.isHexDigit) else {
                return .failed("The checksum format is invalid", base)
            }
        }
        download.head = context.checkMode
        let script = self.script(context, download: download, url: url, dest: dest, mode: mode, algorithm: algorithm,
                                 wanted: wanted)
        let answer = try await connection.run(request(script, context))
        let elapsed = Int((ContinuousClock.now - clock).components.seconds)
        base["elapsed"] = .int(elapsed)
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) {
            var r = failure
            for (k, v) in base where r[k] == nil { r[k] = v }
            for key in ["checksum_src", "checksum_dest"] { if let s = records[key] { r[key] = .string(s) } }
            if let final = records["dest"] { r["dest"] = .string(final) }
            return r
        }
        return result(records, base: base, url: masked, checkMode: context.checkMode)
    }

    private func request(_ script: String, _ context: ModuleContext) -> CommandRequest {
        CommandRequest(command: script, environment: context.environment, become: context.become,
                       becomeUser: context.becomeUser)
    }

    static func isURL(_ text: String) -> Bool {
        ["http://", "https://", "ftp://", "file:/"].contains { text.lowercased().hasPrefix($0) }
    }

    private func script(_ context: ModuleContext, download: HTTPDownload, url: String, dest: String, mode: FileMode?,
                        algorithm: String, wanted: String) -> String {
        let force = context.bool("force") ? 1 : 0
        let statusOK = url.hasPrefix("file:/") ? "*" : "200"
        var s = [FileScript.settings(mode: mode, owner: context.string("owner"), group: context.string("group"),
                                     checkMode: context.checkMode, follow: false),
                 FileScript.functions, download.functions]
        s.append("_pD=\(ShellWord.expanded(dest)); _pT=\(context.string("tmp_dest").map(ShellWord.expanded) ?? "''")")
        s.append("_palgo=\(ShellWords.quote(algorithm)); _pwant=\(ShellWords.quote(wanted)); _pforce=\(force)")
        s.append(#"""
            [ -n "$_pdltool" ] || _pfail "get_url needs curl or wget on the target"
            if [ -n "$_pT" ]; then
              [ -d "$_pT" ] || { [ -e "$_pT" ] && _pfail "$_pT is a file but should be a directory."; _pfail "$_pT directory does not exist."; }
            else _pT=${TMPDIR:-/tmp}; fi
            _pisdir=0; [ -d "$_pD" ] && _pisdir=1
            _pims=
            if [ $_pisdir = 0 ] && [ -e "$_pD" ]; then
              _pmis=0
              if [ $_pforce = 0 ] && [ -n "$_pwant" ]; then
                [ "$(_psum "$_palgo" "$_pD")" = "$_pwant" ] || _pmis=1
              fi
              if [ $_pforce = 0 ] && [ -n "$_pwant" ] && [ $_pmis = 0 ]; then
                _pattrs "$_pD" 0; _preport "$_pD"; printf 'outcome=exists\0changed=%s\0' "$_pch"; exit 0
              fi
              [ $_pforce = 0 ] && [ $_pmis = 0 ] && _pims=$_pD
            fi
            _ptmp=$(mktemp "$_pT/play-get_url-XXXXXX") || _pfail "could not create a temporary file in $_pT"
            trap 'rm -f "$_ptmp" "$_ptmp.h" "$_ptmp.e"' EXIT
            """#)
        s.append("_pdl \(ShellWords.quote(url)) \"$_ptmp\" \"$_pims\"")
        s.append(#"""
            printf 'status=%s\0src=%s\0reason=%s\0clen=%s\0' "$_pdlstatus" "$_ptmp" "$(_pdlreason "$_ptmp")" "$(_pdlheader "$_ptmp" content-length)"
            if [ "$_pdlstatus" = 304 ]; then [ -e "$_pD" ] && _preport "$_pD"; printf 'outcome=304\0'; exit 0; fi
            [ -e "$_pD" ] && _preport "$_pD"
            [ "$_pdlstatus" = -1 ] && { printf 'outcome=error\0err=%s\0' "$_pdlerr"; exit 0; }
            """#)
        s.append("case $_pdlstatus in \(statusOK)) ;; *) printf 'outcome=status\\0'; exit 0;; esac")
        s.append(#"""
            if [ $_pisdir = 1 ]; then
              _pn=$(_pdlheader "$_ptmp" content-disposition | sed -n -e 's/.*filename="\{0,1\}\([^";]*\).*/\1/p')
              _pn=${_pn##*/}
              if [ -z "$_pn" ]; then
                _pp=${_pdlurl#*://}
                case $_pp in */*) _pp=/${_pp#*/};; *) _pp=;; esac
                _pp=${_pp%%[?#]*}; _pn=${_pp##*/}
                [ -n "$_pn" ] || _pn=index.html
              fi
              _pD=${_pD%/}/$_pn
            fi
            printf 'dest=%s\0' "$_pD"
            _pcs=$(_psum sha1 "$_ptmp") || _pfail "Source $_ptmp is not readable"
            printf 'checksum_src=%s\0' "$_pcs"
            _pcd=
            case $_pD in */*) _pdd=${_pD%/*}; [ -n "$_pdd" ] || _pdd=/;; *) _pdd=.;; esac
            if [ -e "$_pD" ]; then
              [ -w "$_pD" ] || _pfail "Destination $_pD is not writable"
              _pcd=$(_psum sha1 "$_pD") || _pfail "Destination $_pD is not readable"
              printf 'checksum_dest=%s\0' "$_pcd"
            else
              [ -d "$_pdd" ] || _pfail "Destination $_pdd does not exist"
              [ -w "$_pdd" ] || _pfail "Destination $_pdd is not writable"
            fi
            [ $_pck = 1 ] && { printf 'outcome=check\0'; exit 0; }
            if [ -n "$_pwant" ]; then
              _pgot=$(_psum "$_palgo" "$_ptmp")
              [ "$_pgot" = "$_pwant" ] || _pfail "The checksum for $_ptmp did not match $_pwant; it was $_pgot."
            fi
            if [ "$_pcs" != "$_pcd" ]; then
            """#)
        if context.bool("backup") {
            s.append(#"""
                if [ -e "$_pD" ]; then
                  _pb="$_pD.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
                  _pe=$(cp -p -- "$_pD" "$_pb" 2>&1) || _pfail "could not back up $_pD: $_pe"
                  printf 'backup_file=%s\0' "$_pb"
                fi
                """#)
        }
        s.append(#"""
              _pt2=$(mktemp "$_pdd/.play-tmp-XXXXXX") || _pfail "failed to copy $_ptmp to $_pD: cannot create a file in $_pdd"
              cat "$_ptmp" > "$_pt2" || { rm -f "$_pt2"; _pfail "failed to copy $_ptmp to $_pD"; }
              if [ -e "$_pD" ]; then
                chmod "$(stat -c %a -- "$_pD")" "$_pt2"; chown "$(stat -c %u:%g -- "$_pD")" "$_pt2" 2>/dev/null
              else
                chmod "$(printf %o $((0666 & ~$(umask))))" "$_pt2"
              fi
              _pe=$(mv -f -- "$_pt2" "$_pD" 2>&1) || { rm -f "$_pt2"; _pfail "failed to copy $_ptmp to $_pD: $_pe"; }
              _pch=1
            fi
            _pattrs "$_pD" 0; _preport "$_pD"
            printf 'md5sum=%s\0changed=%s\0outcome=done\0' "$(_psum md5 "$_pD")" "$_pch"
            """#)
        return s.joined(separator: "\n")
    }

    private func result(_ records: ScriptRecords, base: OrderedDictionary<String, Value>, url: String,
                        checkMode: Bool) -> TaskResult {
        var r = TaskResult(base)
        let status = records["status"].flatMap { Int($0) }
        let okMessage = "OK (\(records["clen"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown") bytes)"
        func attributes() { for (k, v) in records.fileAttributes() { r[k] = v } }
        switch records["outcome"] {
        case "exists":
            r.changed = records.flag("changed")
            r["msg"] = .string(r.changed ? "file already exists but file attributes changed" : "file already exists")
            attributes()
            return r
        case "304":
            r = TaskResult(["changed": false, "dest": base["dest"] ?? .null, "elapsed": base["elapsed"] ?? 0,
                            "msg": .string("HTTP Error 304: \(records["reason"] ?? "Not Modified")"),
                            "status_code": 304, "url": .string(url)])
            attributes()
            return r
        case "error":
            r = .failed("Request failed: \(records["err"] ?? "no answer")",
                        ["url": .string(url), "dest": base["dest"] ?? .null, "elapsed": base["elapsed"] ?? 0])
            attributes()
            return r
        case "status":
            r = .failed("Request failed", ["status_code": status.map(Value.int) ?? .null,
                                           "response": .string("HTTP Error \(status ?? 0): \(records["reason"] ?? "")"),
                                           "url": .string(url), "dest": base["dest"] ?? .null,
                                           "elapsed": base["elapsed"] ?? 0])
            attributes()
            return r
        default:
            break
        }
        r["dest"] = .string(records["dest"] ?? base["dest"]?.stringValue ?? "")
        r["src"] = records["src"].map(Value.string) ?? .null
        r["checksum_src"] = records["checksum_src"].map(Value.string) ?? .null
        r["checksum_dest"] = records["checksum_dest"].map(Value.string) ?? .null
        r["msg"] = .string(okMessage)
        if records["outcome"] == "check" {
            r.changed = records["checksum_src"] != records["checksum_dest"]
            return r
        }
        r.changed = records.flag("changed")
        r["md5sum"] = records["md5sum"].map(Value.string) ?? .null
        r["status_code"] = status.map(Value.int) ?? .string(records["status"] ?? "")
        if let backup = records["backup_file"] { r["backup_file"] = .string(backup) }
        attributes()
        return r
    }
}
