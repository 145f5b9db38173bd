import PlayBase

/// The `dnf` module's work as one POSIX `sh` script: which packages are installed (`rpm -q
/// --whatprovides` under the install root), then one `dnf` (or `dnf5`/`yum`) command per verb
/// for the ones that must change; `--assumeno` in check mode, which prints the transaction
/// without doing it. The installed set before and after (`rpm -qa`) gives the result's
/// "Installed:"/"Removed:" lines.
struct DnfScript: Sendable {
    var state = "present"
    var names: [String] = []
    var backend = "auto"
    var installroot = "/"
    var updateCache = false
    var autoremove = false
    /// `list:`: installed, updates/upgrades, available, repos/repositories, or a package spec.
    var list: String?
    var options: [String] = []
    var checkMode = false

    static let nevraFormat = "%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH}\\n"

    func script() -> String {
        var s = [PackageScript.prelude, Self.functions]
        let candidates = switch backend {
        case "dnf5": "dnf5"
        case "dnf", "dnf4": "dnf-3 dnf"
        case "yum", "yum4": "yum dnf"
        default: "dnf5 dnf-3 dnf yum"
        }
        s.append("_dn=; for _c in \(candidates); do command -v $_c >/dev/null 2>&1 && { _dn=$_c; break; }; done")
        s.append(#"[ -n "$_dn" ] || _pfail "Could not find dnf (or dnf5/yum) on the target""#)
        s.append("_droot=\(ShellWords.quote(installroot))")
        var opts = options
        if installroot != "/" { opts.append("--installroot=\(installroot)") }
        opts.append("--setopt=clean_requirements_on_remove=\(autoremove ? "True" : "False")")
        opts.append(checkMode ? "--assumeno" : "-y")
        s.append("_dopts=\(ShellWords.quote(PackageScript.words(opts)))")
        s.append("[ \"$_dn\" = dnf5 ] && _dopts=$(printf %s \"$_dopts\" | sed 's/--nogpgcheck/--no-gpgchecks/')")
        // update_cache refreshes the metadata first (in check mode too: it changes no package),
        // whether or not a package then changes: the rpm checks below decide most "nothing to
        // do" answers without running dnf at all.
        if updateCache {
            s.append(#"eval "set -- makecache --refresh $_dopts"; _pcmd $_dn makecache; _prun $_dn "$@" || _pfail "Failed to synchronize repodata: $(cat "$_pt/e")""#)
        }
        if updateCache && names.isEmpty && list == nil {
            s.append("_rec action cache")
            s.append("_pdone")
            return s.joined(separator: "\n")
        }
        if let list {
            s.append(listing(list))
            return s.joined(separator: "\n")
        }
        s.append("_dsnap before")
        s.append("_dinst=; _dupg=; _drem=")
        if names == ["*"] && state == "latest" {
            s.append("_dverb upgrade ''")
        } else {
        for name in names {
            s.append("_dwant \(PackageScript.words([name, state]))")
        }
        if state == "absent" || state == "removed" {
            s.append(#"[ -n "$_drem" ] && _dverb remove "$_drem""#)
            // With names, autoremove means removing what they alone needed (the option below).
            if autoremove && names.isEmpty { s.append("_dverb autoremove ''") }
        } else {
            s.append(#"[ -n "$_dinst" ] && _dverb install "$_dinst""#)
            s.append(#"[ -n "$_dupg" ] && _dverb upgrade "$_dupg""#)
            if autoremove { s.append("_dverb autoremove ''") }
        }
        }
        s.append("_dsnap after")
        s.append(#"_rec installed "$(comm -13 "$_pt/before" "$_pt/after")"; _rec removed "$(comm -23 "$_pt/before" "$_pt/after")""#)
        s.append("_rec action \(state)")
        s.append("_pdone")
        return s.joined(separator: "\n")
    }

    static let functions = #"""
        _dsnap() { rpm --root "$_droot" -qa --qf '\#(nevraFormat)' 2>/dev/null | sort >"$_pt/$1"; }
        _dq() { printf " '%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }
        # _dwant SPEC STATE: files its spec under install, upgrade or remove as needed.
        _dwant() {
          _dspec=$1
          case $1 in
            @*|*://*) _dinst="$_dinst$(_dq "$1")"; return ;;
            *.rpm)
              [ -f "$1" ] || _pfail "Unable to find $1"
              _dspec=$(rpm -qp --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}' "$1" 2>/dev/null) || _pfail "Unable to read $1" ;;
          esac
          if rpm --root "$_droot" -q --whatprovides "$_dspec" >/dev/null 2>&1 || rpm --root "$_droot" -q "$_dspec" >/dev/null 2>&1; then
            case $2 in
              absent|removed) _drem="$_drem$(_dq "$1")" ;;
              latest) [ "$1" = "$_dspec" ] && _dupg="$_dupg$(_dq "$1")" ;;
            esac
          else
            case $2 in absent|removed) ;; *) _dinst="$_dinst$(_dq "$1")" ;; esac
          fi
        }
        # _dverb VERB 'QUOTED' 'LIST': one dnf command; --assumeno's "Operation aborted" is no failure.
        _dverb() {
          _dv=$1
          eval "set -- $_dv $_dopts $2"
          _pcmd $_dn "$@"
          _prun $_dn "$@" && return
          grep -q 'Operation aborted' "$_pt/o" "$_pt/e" 2>/dev/null && return
          _rec failures "$(cat "$_pt/e")"
          _pfail "Failed to install some of the specified packages" 1
        }
        """#

    /// The format of one package line in a listing: name|arch|epoch|release|version|repo|installtime.
    static let listFormat = "%{name}|%{arch}|%{epoch}|%{release}|%{version}|%{repoid}|%{installtime}\\n"

    /// `list:` as `dnf repoquery` (or `dnf repolist`), its output in the `stdout` record.
    private func listing(_ what: String) -> String {
        let query: String
        switch what {
        case "installed": query = "repoquery -q --installed"
        case "updates", "upgrades": query = "repoquery -q --upgrades"
        case "available": query = "repoquery -q --available"
        case "repos", "repositories":
            return #"""
                eval "set -- repolist --enabled $_dopts"; _prun $_dn "$@" || _pfail "$(cat "$_pt/e")" $_prc
                _rec action repos; _pdone
                """#
        default: query = "repoquery -q " + ShellWords.quote(what)
        }
        return #"""
            eval "set -- \#(query) $_dopts"; _prun $_dn "$@" --qf '\#(Self.listFormat)' || _pfail "$(cat "$_pt/e")" $_prc
            _rec action list; _pdone
            """#
    }
}
