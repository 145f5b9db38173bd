import Foundation
import PlayBase

/// The shell function `_pdl URL OUT [IMS-FILE]` that downloads on the target with the first
/// tool it has: curl, GNU wget, or busybox's wget. `get_url` and `unarchive` (a `src` URL) use
/// it; the request options (headers, credentials, time-out, certificate checks) are baked into
/// the function's text, every value quoted.
///
/// After a call: `_pdlstatus` is the final HTTP status (-1 when no answer came, then `_pdlerr`
/// says why), `_pdlurl` the URL after redirects (curl only; the given one otherwise), and
/// `OUT.h` holds the response headers (status lines included). With an IMS file the request
/// carries `If-Modified-Since` with that file's time, as Ansible's `fetch_url` sends it when the
/// destination exists and `force` is off.
///
/// Differences from Ansible's urllib that the tools impose: busybox's wget has no time-out
/// option (a broken build crashes on `-T`), sends credentials from the URL pre-emptively, and
/// its `--spider` (check mode) asks with GET, reading no body.
struct HTTPDownload {
    var headers: [(String, String)] = []
    var timeout = 10
    var username: String?
    var password: String?
    var forceBasicAuth = false
    var validateCerts = true
    var userAgent = "ansible-httpget"
    var decompress = true
    var useProxy = true
    var clientCert: String?
    var clientKey: String?
    /// A HEAD request (check mode): `OUT` stays empty.
    var head = false

    /// Picks the tool (`_pdltool`, empty when there is none) and defines `_pdl`.
    var functions: String {
        let t = String(max(1, timeout))
        var curl = ["-sS", "-L", "--connect-timeout", t, "-y", t, "-Y", "1", "-A", userAgent]
        var wget = ["-q", "-S", "--tries=1", "--timeout=\(t)", "-U", userAgent]
        var busybox = ["-q", "-S", "-U", userAgent]
        for (name, value) in headers {
            curl += ["-H", "\(name): \(value)"]
            wget.append("--header=\(name): \(value)")
            busybox += ["--header", "\(name): \(value)"]
        }
        if let username {
            curl += ["-u", "\(username):\(password ?? "")", forceBasicAuth ? "--basic" : "--anyauth"]
            wget += ["--user=\(username)", "--password=\(password ?? "")"]
            if forceBasicAuth { wget.append("--auth-no-challenge") }
        }
        if !validateCerts {
            curl.append("-k")
            wget.append("--no-check-certificate")
            busybox.append("--no-check-certificate")
        }
        if decompress { curl.append("--compressed") }
        if !useProxy {
            curl += ["--noproxy", "*"]
            wget.append("--no-proxy")
            busybox += ["-Y", "off"]
        }
        if let clientCert {
            curl += ["--cert", clientCert]
            wget.append("--certificate=\(clientCert)")
        }
        if let clientKey {
            curl += ["--key", clientKey]
            wget.append("--private-key=\(clientKey)")
        }
        if head {
            curl.append("-I")
            wget.append("--spider")
            busybox.append("--spider")
        }
        func words(_ list: [String]) -> String { list.map(ShellWords.quote).joined(separator: " ") }
        let credentials = username.map { Self.userInfo($0, password ?? "") } ?? ""
        return #"""
            _pdltool=
            if command -v curl >/dev/null 2>&1; then _pdltool=curl
            elif command -v wget >/dev/null 2>&1; then
              if wget --help 2>&1 | grep -q BusyBox; then _pdltool=bbwget; else _pdltool=wget; fi
            fi
            _pdl() {
              _pdu=$1; _pdo=$2; _pdi=${3-}
              _pdlstatus=-1; _pdlurl=$1; _pdlerr=
              : > "$_pdo"; : > "$_pdo.h"
              case $_pdltool in
              curl)
                set -- \#(words(curl))
                [ -n "$_pdi" ] && set -- "$@" -z "$_pdi"
                _pdw=$(curl "$@" -o "$_pdo" -D "$_pdo.h" -w '%{http_code} %{url_effective}' -- "$_pdu" 2>"$_pdo.e")
                _pdc=${_pdw%% *}
                if [ -z "$_pdc" ] || [ "$_pdc" = 000 ]; then
                  _pdlerr=$(sed -e 's/^curl: ([0-9]*) //' "$_pdo.e" | tail -n 1)
                else
                  _pdlstatus=$_pdc; _pdlurl=${_pdw#* }
                fi
                [ \#(head ? 1 : 0) = 1 ] && : > "$_pdo"
                ;;
              wget|bbwget)
                if [ $_pdltool = wget ]; then set -- \#(words(wget)) -O "$_pdo"
                else
                  set -- \#(words(busybox)) -O "$_pdo"
                  _pdcred=\#(ShellWords.quote(credentials))
                  [ -n "$_pdcred" ] && _pdu=$(printf '%s\n' "$_pdu" | sed -e "s|^\([a-zA-Z][a-zA-Z0-9+.-]*://\)|\1$_pdcred@|")
                fi
                if [ -n "$_pdi" ]; then
                  set -- "$@" --header "If-Modified-Since: $(date -u -r "$_pdi" '+%a, %d %b %Y %H:%M:%S GMT')"
                fi
                wget "$@" "$_pdu" 2>"$_pdo.e"
                [ -e "$_pdo" ] || : > "$_pdo"
                _pdc=$(sed -n -e 's/^ *HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$_pdo.e" | tail -n 1)
                if [ -n "$_pdc" ]; then
                  _pdlstatus=$_pdc; sed -n -e 's/^  //p' "$_pdo.e" > "$_pdo.h"
                else
                  _pdlerr=$(grep -v '^Connecting to' "$_pdo.e" | sed -e 's/^wget: //' | tail -n 1)
                fi
                [ \#(head ? 1 : 0) = 1 ] && : > "$_pdo"
                ;;
              *) _pdlerr='neither curl nor wget is installed on the target';;
              esac
              rm -f "$_pdo.e"
              return 0
            }
            _pdlheader() {
              tr -d '\r' < "$1.h" | grep -i "^$2:" | tail -n 1 | sed -e 's/^[^:]*: *//'
            }
            _pdlreason() {
              tr -d '\r' < "$1.h" | grep '^HTTP/' | tail -n 1 | cut -d ' ' -f 3-
            }
            """#
    }

    /// `user:password@`'s text for a URL, each part percent-encoded (for busybox's wget).
    static func userInfo(_ user: String, _ password: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let u = user.addingPercentEncoding(withAllowedCharacters: allowed) ?? user
        let p = password.addingPercentEncoding(withAllowedCharacters: allowed) ?? password
        return "\(u):\(p)"
    }

    /// Ansible's `mask_url`: the password in a URL's user part shown as `********`.
    static func masked(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<scheme.upperBound]) + authority[..<colon] + ":********" + url[at...]
    }

    /// Python's `url_filename`: the last part of the URL's path, `index.html` when it is empty.
    static func fileName(_ url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return "index.html" }
        let path = rest[slash...].prefix { $0 != "?" && $0 != "#" }
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        return name.isEmpty ? "index.html" : name
    }
}
