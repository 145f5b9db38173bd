import Foundation
import PlayBase

/// The `apt` module's work as one POSIX `sh` script: cache age and `apt-get update`, each
/// package's state from `dpkg-query` and `apt-cache`, then one `apt-get` (or `dpkg -i`) command
/// for everything that must change, `--simulate` in check mode. It prints records: `cmd`,
/// `changed`, `cache_updated`, `cache_update_time`, `action`, and the commands' output.
struct AptScript: Sendable {
    var state = "present"
    var packages: [PackageSpec] = []
    var deb: String?
    var updateCache = false
    var cacheValidTime = 0
    var updateCacheRetries = 5
    var updateCacheRetryMaxDelay = 12
    var purge = false
    var force = false
    var autoremove = false
    var autoclean = false
    var clean = false
    var failOnAutoremove = false
    var onlyUpgrade = false
    var installRecommends: Bool?
    var allowDowngrade = false
    var allowUnauthenticated = false
    var allowChangeHeldPackages = false
    var defaultRelease: String?
    var upgrade = "no"
    var dpkgOptions = "force-confdef,force-confold"
    var lockTimeout = 60
    var policyRcD: Int?
    var checkMode = false

    /// `-o Dpkg::Options::=--opt` for each of `dpkg_options`.
    var dpkgOptionWords: [String] {
        dpkgOptions.split(separator: ",").flatMap { ["-o", "Dpkg::Options::=--\($0.trimmingCharacters(in: .whitespaces))"] }
    }

    /// The options every `apt-get install` gets.
    var installOptions: [String] {
        var w = ["-y"] + dpkgOptionWords + ["-o", "DPkg::Lock::Timeout=\(lockTimeout)"]
        if onlyUpgrade { w.append("--only-upgrade") }
        if state == "fixed" { w.append("--fix-broken") }
        if force { w.append("--force-yes") }
        if autoremove && state != "build-dep" { w.append("--auto-remove") }
        if failOnAutoremove { w.append("--no-remove") }
        if checkMode { w.append("--simulate") }
        if let r = defaultRelease { w += ["-t", r] }
        if let r = installRecommends { w += ["-o", "APT::Install-Recommends=\(r ? "yes" : "no")"] }
        if allowUnauthenticated { w.append("--allow-unauthenticated") }
        if allowDowngrade { w.append("--allow-downgrades") }
        if allowChangeHeldPackages { w.append("--allow-change-held-packages") }
        return w
    }

    var removeOptions: [String] {
        var w = ["-q", "-y"] + dpkgOptionWords
        if purge { w.append("--purge") }
        if force { w.append("--force-yes") }
        if autoremove { w.append("--auto-remove") }
        if checkMode { w.append("--simulate") }
        if allowChangeHeldPackages { w.append("--allow-change-held-packages") }
        return w
    }

    func script() -> String {
        var s = [PackageScript.prelude, Self.functions]
        s.append("export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C LANGUAGE=C")
        s.append("command -v apt-get >/dev/null 2>&1 || _pfail 'apt-get was not found on the target'")
        if let code = policyRcD, !checkMode {
            s.append("_aprc \(code)")
        }
        s.append("_ap_t0=$(_apstamp %y); _ap_up=0")
        if updateCache || cacheValidTime > 0 {
            s.append(#"""
                if [ $(($(_apstamp) + \#(cacheValidTime))) -le "$(date +%s)" ]; then
                  _apupdate \#(updateCacheRetries) \#(updateCacheRetryMaxDelay) \#(checkMode ? 1 : 0)
                fi
                """#)
        }
        s.append(#"_rec cache_updated $_ap_up; _rec cache_update_time "$(_apstamp)""#)
        if clean {
            // Ansible cleans even in check mode; this does not.
            s.append("_pcmd apt-get clean; [ \(checkMode ? 1 : 0) = 1 ] || _prun apt-get clean || _pfail 'apt-get clean failed' $_prc")
            if packages.isEmpty && upgrade == "no" && deb == nil {
                s.append("_rec action clean; _rec changed 1; _pdone")
            }
        }
        if upgrade != "no" {
            let verb = upgrade == "dist" || upgrade == "full" ? "dist-upgrade" : "upgrade"
            var w = ["-y"] + dpkgOptionWords + (force ? ["--force-yes"] : [])
            if upgrade == "yes" { w.append("--with-new-pkgs") }
            if autoremove { w.append("--auto-remove") }
            if failOnAutoremove { w.append("--no-remove") }
            if checkMode { w.append("--simulate") }
            if allowUnauthenticated { w.append("--allow-unauthenticated") }
            if allowDowngrade { w.append("--allow-downgrades") }
            s.append("_apcount apt-get \(PackageScript.words(w)) \(verb)")
            s.append("_rec action upgrade")
            s.append("_pdone")
        }
        if let deb {
            s.append(debInstall(deb))
        } else if (packages.isEmpty || packages.map(\.name) == ["*"] && state != "latest") && (updateCache || cacheValidTime > 0) {
            // Only the cache was asked for (Ansible stops here even with autoremove).
        } else if packages.isEmpty || packages.map(\.name) == ["*"] && state != "latest" {
            if autoclean { s.append("_apcount apt-get -y \(PackageScript.words(dpkgOptionWords)) autoclean") }
            if autoremove {
                let w = ["-y"] + dpkgOptionWords + (purge ? ["--purge"] : []) + (checkMode ? ["--simulate"] : [])
                s.append("_apcount apt-get \(PackageScript.words(w)) autoremove")
            }
            s.append(autoremove || autoclean ? "_rec action cleanup" : state == "absent" ? "_rec action remove" : "_rec action install")
        } else if packages.map(\.name) == ["*"] {
            let w = ["-y"] + dpkgOptionWords + ["--with-new-pkgs"] + (checkMode ? ["--simulate"] : [])
            s.append("_apcount apt-get \(PackageScript.words(w)) upgrade; _rec action upgrade")
        } else if state == "absent" {
            s.append("_ap_list=")
            for p in packages {
                s.append("_apremovable \(PackageScript.words([p.name, spelled(p)])) \(purge ? 1 : 0)")
            }
            s.append(#"""
                _rec action remove
                if [ -n "$_ap_list" ]; then
                  eval "set -- $_ap_list"
                  _pcmd apt-get remove "$@"
                  _prun apt-get \#(PackageScript.words(removeOptions)) remove "$@" || _pfail "'apt-get remove $*' failed: $(cat "$_pt/e")" $_prc
                  _rec changed 1
                fi
                """#)
        } else {
            s.append("_ap_list=; _ap_names=")
            for p in packages {
                if state == "build-dep" {
                    s.append("_ap_list=\"$_ap_list \"\(ShellWords.quote(ShellWords.quote(spelled(p))))")
                    continue
                }
                s.append("_apwant \(PackageScript.words([p.name, p.comparison?.rawValue ?? "", p.version ?? "", state, onlyUpgrade ? "1" : "0"]))")
            }
            let verb = state == "build-dep" ? "build-dep" : "install"
            s.append(#"""
                _rec action install
                if [ -n "$_ap_list" ]; then
                  eval "set -- $_ap_list"
                  _pcmd apt-get \#(verb) "$@"
                  _prun apt-get \#(PackageScript.words(installOptions)) \#(verb) "$@" || _pfail "'apt-get \#(verb) $*' failed: $(cat "$_pt/e")" $_prc
                  \#(state == "build-dep" ? #"grep -q '^0 upgraded, 0 newly installed, 0 to remove' "$_pt/o" || _rec changed 1"# : "_rec changed 1")
                fi
                """#)
            if state != "build-dep" && !checkMode {
                // Like Ansible, the named packages end up marked manual; only those apt holds as
                // automatic need `apt-mark` (seconds: it loads the whole cache).
                s.append(#"""
                    if [ -n "$_ap_names" ]; then
                      eval "set -- $_ap_names"
                      _ap_auto=$(_apauto "$@")
                      if [ -n "$_ap_auto" ]; then
                        apt-mark manual $_ap_auto >/dev/null 2>"$_pt/e" || _pfail "'apt-mark manual $_ap_auto' failed: $(cat "$_pt/e")"
                      fi
                    fi
                    """#)
            }
        }
        s.append("_pdone")
        return s.joined(separator: "\n")
    }

    /// How a spec is passed to apt-get when given whole (removal, build-dep).
    private func spelled(_ p: PackageSpec) -> String {
        guard let c = p.comparison, let v = p.version else { return p.name }
        return p.name + c.rawValue + v
    }

    /// `deb:`: its dependencies through `apt-get satisfy`, then `dpkg -i`, unless the same version
    /// is installed already.
    private func debInstall(_ path: String) -> String {
        var dpkg = dpkgOptions.split(separator: ",").map { "--\($0.trimmingCharacters(in: .whitespaces))" }
        if checkMode { dpkg.append("--simulate") }
        if force { dpkg.append("--force-all") }
        var satisfy = ["-y"] + dpkgOptionWords + ["-o", "DPkg::Lock::Timeout=\(lockTimeout)"]
        if checkMode { satisfy.append("--simulate") }
        if let r = installRecommends { satisfy += ["-o", "APT::Install-Recommends=\(r ? "yes" : "no")"] }
        if allowUnauthenticated { satisfy.append("--allow-unauthenticated") }
        if allowChangeHeldPackages { satisfy.append("--allow-change-held-packages") }
        return #"""
            _rec action deb
            _ap_deb=\#(ShellWord.expanded(path))
            [ -f "$_ap_deb" ] || _pfail "Unable to install package: $_ap_deb does not exist"
            _ap_n=$(dpkg-deb -f "$_ap_deb" Package 2>"$_pt/e") || _pfail "dpkg --field $_ap_deb Package failed: $(cat "$_pt/e")"
            _ap_v=$(dpkg-deb -f "$_ap_deb" Version)
            _ap_iv=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' -- "$_ap_n" 2>/dev/null)
            case $_ap_iv in ?[nc]*|'') _ap_iv= ;; *) _ap_iv=${_ap_iv#*|} ;; esac
            if [ -n "$_ap_iv" ] && dpkg --compare-versions "$_ap_iv" eq "$_ap_v"; then _pdone; fi
            if [ -n "$_ap_iv" ] && dpkg --compare-versions "$_ap_v" lt "$_ap_iv" && [ \#(allowDowngrade || force ? 1 : 0) = 0 ]; then
              _pfail "A later version is already installed"
            fi
            _ap_dep=$(dpkg-deb -f "$_ap_deb" Pre-Depends Depends | sed 's/^[A-Za-z-]*: //' | paste -sd, -)
            if [ -n "$_ap_dep" ]; then
              _pcmd apt-get satisfy "$_ap_dep"
              _prun apt-get \#(PackageScript.words(satisfy)) satisfy "$_ap_dep" || _pfail "Dependency is not satisfiable: $_ap_dep: $(cat "$_pt/e")" $_prc
            fi
            _pcmd dpkg -i "$_ap_deb"
            _prun dpkg \#(PackageScript.words(dpkg)) -i "$_ap_deb" || _pfail "dpkg \#(dpkg.joined(separator: " ")) -i $_ap_deb failed" $_prc
            _rec changed 1
            """#
    }

    static let functions = #"""
        _apstamp() {
          if [ -e /var/lib/apt/periodic/update-success-stamp ]; then stat -c "${1:-%Y}" /var/lib/apt/periodic/update-success-stamp
          else
            _al=/var/lib/apt/lists; eval "$(apt-config shell _al Dir::State::Lists/d 2>/dev/null)"
            if [ -e "$_al" ]; then stat -c "${1:-%Y}" "$_al"; else echo 0; fi
          fi
        }
        _apupdate() {
          if [ "$3" = 1 ]; then _ap_up=1; return; fi
          _ai=0
          while :; do
            apt-get -q update >"$_pt/o" 2>"$_pt/e" && break
            _ai=$((_ai + 1))
            [ $_ai -ge "$1" ] && _pfail "Failed to update apt cache after $1 retries: $(cat "$_pt/e")"
            _ad=$((1 << (_ai - 1))); [ $_ad -gt "$2" ] && _ad=$2
            sleep $_ad
          done
          [ "$(_apstamp %y)" != "$_ap_t0" ] && _ap_up=1
        }
        _apcount() {
          _pcmd "$@"
          _prun "$@" || _pfail "'$*' failed: $(cat "$_pt/e")" $_prc
          grep -q '^0 upgraded, 0 newly installed, 0 to remove' "$_pt/o" || _rec changed 1
        }
        _aprc() {
          [ -e /usr/sbin/policy-rc.d ] && { mv /usr/sbin/policy-rc.d "$_pt/policy-rc.d" || _pfail "Fail to move /usr/sbin/policy-rc.d"; }
          printf '#!/bin/sh\nexit %s\n' "$1" >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d || _pfail "Failed to create or chmod /usr/sbin/policy-rc.d"
          trap 'rm -f /usr/sbin/policy-rc.d; [ -e "$_pt/policy-rc.d" ] && mv "$_pt/policy-rc.d" /usr/sbin/policy-rc.d; rm -rf "$_pt"' EXIT
        }
        # _apauto NAME...: those of the names apt's extended_states marks Auto-Installed (all of
        # them when one has an architecture qualifier, which that file spells apart).
        _apauto() {
          case " $* " in *:*) printf '%s\n' "$@"; return ;; esac
          _ae=/var/lib/apt/extended_states; eval "$(apt-config shell _ae Dir::State::extended_states/f 2>/dev/null)"
          [ -r "$_ae" ] || return 0
          awk -v want=" $* " 'BEGIN { RS = "" } {
              n = ""; a = 0
              for (i = 1; i < NF; i++) { if ($i == "Package:") n = $(i + 1); if ($i == "Auto-Installed:") a = $(i + 1) }
              if (a == 1 && index(want, " " n " ")) print n
            }' "$_ae" | sort -u
        }
        _apadd() { _ap_list="$_ap_list '$(printf %s "$1" | sed "s/'/'\\\\''/g")'"; }
        _apinstalled() {
          _ap_iv=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' -- "$1" 2>/dev/null)
          _ap_st=${_ap_iv%%|*}; _ap_iv=${_ap_iv#*|}
          case $_ap_st in ?[nc]*|'') _ap_iv= ;; esac
        }
        _apremovable() {
          _apinstalled "$1"
          if [ -n "$_ap_iv" ]; then _apadd "$2"
          elif [ "$3" = 1 ]; then case $_ap_st in ?c*) _apadd "$2" ;; esac
          fi
        }
        _apwant() {
          _apinstalled "$1"
          [ "$5" = 1 ] && [ -z "$_ap_iv" ] && return
          _ap_names="$_ap_names '$(printf %s "$1" | sed "s/'/'\\\\''/g")'"
          # Installed as asked: no need for apt-cache (the slow part).
          if [ -n "$_ap_iv" ]; then
            case $2 in
              '') [ "$4" = latest ] || return ;;
              '=') case $_ap_iv in $3) return ;; esac ;;
              '>=') dpkg --compare-versions "$_ap_iv" ge "$3" && return ;;
            esac
          fi
          _ap_c=$(apt-cache policy -- "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
          [ "$_ap_c" = '(none)' ] && _ap_c=
          if [ -z "$_ap_iv" ] && [ -z "$_ap_c" ]; then _pfail "No package matching '$1' is available"; fi
          case $2 in
          '=')
            [ -n "$_ap_iv" ] && case $_ap_iv in $3) return ;; esac
            _ap_m=
            for _av in $(apt-cache madison -- "$1" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'); do
              case $_av in $3) _ap_m=$_av; break ;; esac
            done
            [ -n "$_ap_m" ] || _pfail "no available installation candidate for $1=$3"
            _apadd "$1=$_ap_m" ;;
          '>=')
            [ -n "$_ap_iv" ] && dpkg --compare-versions "$_ap_iv" ge "$3" && return
            [ -n "$_ap_c" ] && dpkg --compare-versions "$_ap_c" ge "$3" || _pfail "no available installation candidate for $1>=$3"
            _apadd "$1=$_ap_c" ;;
          *)
            if [ -n "$_ap_iv" ]; then
              [ "$4" = latest ] || return
              [ -z "$_ap_c" ] || [ "$_ap_c" = "$_ap_iv" ] && return
            fi
            _apadd "$1" ;;
          esac
        }
        """#
}
