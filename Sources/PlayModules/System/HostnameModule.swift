import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `hostname`: the host's name, current and permanent, with the strategy Ansible picks (or
/// `use` names): `systemd` (hostnamectl) where systemd runs, else the distribution's file
/// (/etc/hostname on Debian and others, which leaves the running kernel's name alone as
/// Ansible's does; Alpine also runs `hostname -F`; OpenRC's /etc/conf.d/hostname; SLES'
/// /etc/HOSTNAME). One command reads, decides and (outside check
/// mode) sets, all in `sh` on the target.
public struct HostnameModule: Module {
    public init() {}

    static let strategies = ["alpine", "debian", "freebsd", "generic", "macos", "macosx", "darwin", "openbsd", "openrc",
                             "redhat", "sles", "solaris", "systemd"]

    public let spec = ModuleSpec(name: "hostname", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("use", .string, choices: strategies),
    ], traits: ModuleTraits(factsPrecedence: .hostFacts))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        var use = context.string("use")
        if use == "debian" { use = "systemd" }
        if use == "generic" {
            // Ansible maps it to its abstract base strategy, which fails ("Module failed."): so does play, saying why.
            return .failed("hostname: use=generic has no strategy to read or set the name (Ansible's fails the same way);"
                           + " use systemd, debian, alpine, openrc or sles")
        }
        if let use, !["alpine", "openrc", "sles", "systemd"].contains(use) {
            return .failed("hostname: use=\(use) is not supported by play (it handles systemd, debian, alpine, openrc and sles)")
        }
        if use == "systemd" && name.count > 64 {
            return .failed("name cannot be longer than 64 characters on systemd servers, try a shorter name")
        }
        do {
            let records = try await SystemScript.run(Self.script(name: name, use: use, checkMode: context.checkMode), context: context)
            let current = records["current"] ?? "", permanent = records["permanent"] ?? ""
            let changed = records.flag("changed")
            let fqdn = records["fqdn"] ?? name
            var r = TaskResult(["changed": .bool(changed), "name": .string(name), "ansible_facts": [
                "ansible_hostname": .string(String(name.split(separator: ".", omittingEmptySubsequences: false).first ?? "")),
                "ansible_nodename": .string(name),
                "ansible_fqdn": .string(fqdn),
                "ansible_domain": .string(fqdn.split(separator: ".", omittingEmptySubsequences: false).dropFirst().joined(separator: ".")),
            ]])
            if changed {
                r["diff"] = ["after": .string("hostname = \(name)\n"), "before": .string("hostname = \(name != current ? current : permanent)\n")]
            }
            return r
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    /// Chooses the strategy (when `use` is nil), prints `current` and `permanent`, sets what
    /// differs (permanent first under systemd, as Ansible does) and prints `changed`, `fqdn`.
    static func script(name: String, use: String?, checkMode: Bool) -> String {
        #"""
        _phn=\#(ShellWords.quote(name)); _pck=\#(checkMode ? 1 : 0); _puse=\#(ShellWords.quote(use ?? ""))
        exec 3>&1
        _pcmd() {
          _pcout=$("$@" 2>&1) || { _pr=$?; printf 'failed=Command failed rc=%s, out=, err=%s\0' "$_pr" "$_pcout" >&3; exit 1; }
          printf '%s' "$_pcout"
        }
        if [ -z "$_puse" ]; then
          if [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1; then _puse=systemd
          else
            _pid=$(. /etc/os-release 2>/dev/null; printf '%s' "${ID-}")
            case $_pid in alpine) _puse=alpine;; gentoo) _puse=openrc;; sles|sled|opensuse*) _puse=file-sles;; *) _puse=file;; esac
          fi
        fi
        _pfile=/etc/hostname
        case $_puse in sles|file-sles) _pfile=/etc/HOSTNAME; _puse=file;; alpine) _puse=file; _palp=1;; esac
        _pperm() {
          case $_puse in
          systemd) _pcmd hostnamectl --static status;;
          openrc) [ -f /etc/conf.d/hostname ] && sed -n 's/^[[:space:]]*hostname=//p' /etc/conf.d/hostname | head -n 1 | sed 's/^"//; s/"[[:space:]]*$//; s/[[:space:]]*$//';;
          *) [ -f "$_pfile" ] && tr -d ' \t\r\n' < "$_pfile" | head -c 4096;;
          esac
        }
        _pcur() {
          case $_puse in
          systemd) _pcmd hostnamectl --transient status;;
          *) _pperm;;
          esac
        }
        _psetperm() {
          case $_puse in
          systemd) _pcmd hostnamectl --pretty --static set-hostname "$_phn" >/dev/null;;
          openrc) _pt=$(mktemp) && sed 's/^[[:space:]]*//; s/[[:space:]]*$//' /etc/conf.d/hostname |
                    awk -v n="$_phn" '!d && /^hostname=/ { print "hostname=\"" n "\""; d = 1; next } { print }' > "$_pt" &&
                    cat "$_pt" > /etc/conf.d/hostname; rm -f "$_pt";;
          *) printf '%s\n' "$_phn" > "$_pfile" || _pfail "failed to update hostname: could not write $_pfile";;
          esac
        }
        _psetcur() {
          case $_puse in
          systemd) _pcmd hostnamectl --transient set-hostname "$_phn" >/dev/null;;
          *) [ "${_palp-0}" = 1 ] && _pcmd hostname -F "$_pfile" >/dev/null;;
          esac
        }
        _pc=$(_pcur) || exit 1; printf 'current=%s\0' "$_pc"
        _pp=$(_pperm) || exit 1; printf 'permanent=%s\0' "$_pp"
        _pch=0
        if [ "$_puse" = systemd ]; then
          [ "$_pp" = "$_phn" ] || { _pch=1; [ $_pck = 1 ] || _psetperm; }
          _pc2=$(_pcur) || exit 1
          [ "$_pc2" = "$_phn" ] || { _pch=1; [ $_pck = 1 ] || _psetcur; }
        else
          [ "$_pc" = "$_phn" ] || { _pch=1; [ $_pck = 1 ] || _psetcur; }
          _pp2=$(_pperm) || exit 1
          [ "$_pp2" = "$_phn" ] || { _pch=1; [ $_pck = 1 ] || _psetperm; }
        fi
        printf 'changed=%s\0' "$_pch"
        # Python's socket.getfqdn(): the kernel's name resolved, then its address resolved back;
        # the first of those names with a dot, else the first.
        _pkn=$(hostname 2>/dev/null || uname -n); _pfq=$_pkn
        if command -v getent >/dev/null 2>&1; then
          _pip=$(getent ahosts "$_pkn" 2>/dev/null | awk 'NR == 1 { print $1 }')
          if [ -n "$_pip" ]; then
            _pnames=$(getent hosts "$_pip" 2>/dev/null | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }')
            _pfq=$(printf '%s\n' "$_pnames" | awk 'NF && !f { f = $0 } /\./ && !d { d = $0 } END { print (d != "" ? d : f) }')
            [ -n "$_pfq" ] || _pfq=$_pkn
          fi
        else
          _pfq=$(hostname -f 2>/dev/null || printf '%s' "$_pkn")
        fi
        printf 'fqdn=%s\0' "$_pfq"
        """#
    }
}
