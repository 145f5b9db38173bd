import PlayBase

/// The shell script `git` runs on the target: one command that clones or fetches with the
/// target's `git` and checks out `version` (the remote's default branch for `HEAD`, a branch
/// tracked as `remote/branch`, a tag or a commit, detached), following Ansible's git module
/// step by step. Records: `before`, `after`, `changed`, `url_changed`, `mods` (local
/// modifications found), `msg`, `prepared` (the diff text in diff mode).
struct GitScript {
    var repo: String
    var dest: String
    var version = "HEAD"
    var remote = "origin"
    var clone = true
    var update = true
    var force = false
    var depth: Int?
    var singleBranch = false
    var bare = false
    var refspec: String?
    var executable: String?
    var checkMode = false
    var diff = false

    var text: String {
        let q = ShellWords.quote
        var s = [#"_pfail() { printf 'failed=%s\0' "$1"; exit 0; }"#]
        s.append("_pgit=\(q(executable ?? "git")); _prepo=\(q(repo)); _pD=\(ShellWord.expanded(dest))")
        s.append("_pR=\(q(remote)); _pV=\(q(version)); _pbare=\(bare ? 1 : 0); _pck=\(checkMode ? 1 : 0)")
        s.append("_pdepth=\(depth.map(String.init) ?? "''"); _pforce=\(force ? 1 : 0); _pdiff=\(diff ? 1 : 0)")
        s.append(#"""
            command -v "$_pgit" >/dev/null 2>&1 || _pfail "Failed to find required executable \"$_pgit\" in paths"
            export GIT_TERMINAL_PROMPT=0
            case $_pD in /*) ;; *) _pD=$(pwd)/$_pD;; esac
            # A path is cloned as a file:// URL (shallow clones need one), as Ansible does.
            case $_prepo in "~/"*) _prepo=$HOME/${_prepo#"~/"};; esac
            case $_prepo in /*) _prepo=file://$_prepo;; esac
            _pg() { _pout=$("$_pgit" "$@" 2>&1) || _pfail "Failed to run $_pgit $*: $_pout"; }
            _pin() { (cd "$_pD" && "$_pgit" "$@"); }
            _pversion() { _pin rev-parse HEAD 2>/dev/null || printf 'HEAD'; }
            _premotehead() {  # the commit the remote's $1 names (ls-remote), for check mode
              if [ "$_pV" = HEAD ]; then _pref=HEAD
              elif "$_pgit" ls-remote "$1" "refs/heads/$_pV" 2>/dev/null | grep -q .; then _pref="refs/heads/$_pV"
              elif "$_pgit" ls-remote "$1" "refs/tags/$_pV" 2>/dev/null | grep -q .; then
                _pl=$("$_pgit" ls-remote "$1" "refs/tags/$_pV^{}" | cut -f 1)
                [ -n "$_pl" ] && { printf %s "$_pl"; return; }
                _pref="refs/tags/$_pV"
              else printf %s "$_pV"; return
              fi
              _pl=$("$_pgit" ls-remote "$1" "$_pref" 2>&1) || _pfail "Failed to find remote head for $_pV: $_pl"
              printf %s "$_pl" | head -n 1 | cut -f 1
            }
            _pswitch() {
              if [ "$_pV" = HEAD ]; then
                _pb=$("$_pgit" ls-remote --symref "$_prepo" HEAD 2>/dev/null | sed -n -e 's|^ref: refs/heads/\([^	]*\)	HEAD$|\1|p')
                [ -n "$_pb" ] || _pb=$(_pin symbolic-ref --short HEAD 2>/dev/null)
                _pg -C "$_pD" checkout --force -B "$_pb" "$_pR/$_pb"
                _pg -C "$_pD" reset --hard "$_pR/$_pb"
              elif _pin show-ref --verify -q "refs/remotes/$_pR/$_pV"; then
                _pg -C "$_pD" checkout --force -B "$_pV" "$_pR/$_pV"
                _pg -C "$_pD" reset --hard "$_pR/$_pV"
              else
                _pin rev-parse -q --verify "$_pV^{commit}" >/dev/null 2>&1 || _pfail "Failed to checkout $_pV"
                _pg -C "$_pD" checkout --force "$_pV"
              fi
            }
            _pdiffof() {
              [ $_pdiff = 1 ] || return 0
              if [ -z "$1" ]; then printf 'prepared=>> Newly checked out %s\0' "$2"
              elif [ "$1" != "$2" ]; then
                _pt=$(_pin diff "$1" "$2" 2>&1) && { [ -n "$_pt" ] || _pt=">> No visual differences between $1 and $2"; } \
                  || _pt=">> Failed to get proper diff between $1 and $2:
            >> $_pt"
                printf 'prepared=%s\0' "$_pt"
              fi
            }
            if [ $_pbare = 1 ]; then _pconf=$_pD/config; else _pconf=$_pD/.git/config; fi
            """#)
        s.append("_pclone=\(clone ? 1 : 0); _pupdate=\(update ? 1 : 0); _psingle=\(singleBranch ? 1 : 0)")
        s.append("_prefspec=\(refspec.map(q) ?? "''")")
        s.append(#"""
            if [ ! -e "$_pconf" ]; then
              if [ $_pck = 1 ] || [ $_pclone = 0 ]; then
                _pa=$(_premotehead "$_prepo"); printf 'after=%s\0changed=1\0' "$_pa"; _pdiffof "" "$_pa"; exit 0
              fi
              set -- clone
              if [ $_pbare = 1 ]; then set -- "$@" --bare; else set -- "$@" --origin "$_pR"; fi
              _pkind=other
              if [ "$_pV" != HEAD ]; then
                if "$_pgit" ls-remote "$_prepo" "refs/heads/$_pV" 2>/dev/null | grep -q .; then _pkind=branch
                elif "$_pgit" ls-remote "$_prepo" "refs/tags/$_pV" 2>/dev/null | grep -q .; then _pkind=tag; fi
              fi
              if [ -n "$_pdepth" ]; then
                if [ "$_pV" = HEAD ] || [ -n "$_prefspec" ]; then set -- "$@" --depth "$_pdepth"
                elif [ $_pkind != other ]; then set -- "$@" --depth "$_pdepth" --branch "$_pV"
                else printf 'warning=Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec.\0'
                fi
              fi
              if [ $_psingle = 1 ]; then
                set -- "$@" --single-branch
                [ $_pkind != other ] && [ -z "$_pdepth" ] && set -- "$@" --branch "$_pV"
              fi
              case $_pD in */*) mkdir -p "${_pD%/*}";; esac
              _pg "$@" "$_prepo" "$_pD"
              if [ $_pbare = 1 ] && [ "$_pR" != origin ]; then _pg -C "$_pD" remote add "$_pR" "$_prepo"; fi
              if [ -n "$_prefspec" ]; then _pg -C "$_pD" fetch "$_pR" "$_prefspec"; fi
              _pbefore=
            elif [ $_pupdate = 0 ]; then
              _pb=$(_pversion); printf 'before=%s\0after=%s\0changed=0\0' "$_pb" "$_pb"; exit 0
            else
              _pmods=0
              if [ $_pbare = 0 ] && [ -n "$(_pin status --porcelain 2>/dev/null | grep -v '^??')" ]; then _pmods=1; fi
              _pbefore=$(_pversion); printf 'before=%s\0' "$_pbefore"
              if [ $_pmods = 1 ]; then
                [ $_pforce = 1 ] || _pfail "Local modifications exist in the destination: $_pD (force=no)."
                if [ $_pck = 0 ]; then
                  _pg -C "$_pD" reset --hard HEAD
                  printf 'mods=1\0msg=Local modifications exist in the destination: %s\0' "$_pD"
                fi
              fi
              _purl=$(_pin config --get "remote.$_pR.url" 2>/dev/null)
              _puc=0
              if [ "$_purl" != "$_prepo" ] && [ "${_purl%/}" != "${_prepo%/}" ]; then
                _puc=1
                [ $_pck = 1 ] || { if [ -n "$_purl" ]; then _pg -C "$_pD" remote set-url "$_pR" "$_prepo"; else _pg -C "$_pD" remote add "$_pR" "$_prepo"; fi; }
              fi
              printf 'url_changed=%s\0' "$_puc"
              if [ $_pck = 1 ]; then
                _pa=$(_premotehead "$_prepo")
                _pc=$_puc; [ "$_pa" = "$_pbefore" ] || _pc=1
                printf 'after=%s\0changed=%s\0' "$_pa" "$_pc"; _pdiffof "$_pbefore" "$_pa"; exit 0
              fi
              set -- fetch
              [ -n "$_pdepth" ] && set -- "$@" --depth "$_pdepth"
              if [ $_pbare = 1 ]; then set -- "$@" "$_pR" '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'
              else set -- "$@" "$_pR" "+refs/heads/*:refs/remotes/$_pR/*" '+refs/tags/*:refs/tags/*'; fi
              [ -n "$_prefspec" ] && set -- "$@" "$_prefspec"
              [ $_pforce = 1 ] && set -- "$@" --force
              _pg -C "$_pD" "$@"
            fi
            [ $_pbare = 1 ] || _pswitch
            _pafter=$(_pversion)
            printf 'after=%s\0' "$_pafter"
            if [ "$_pbefore" != "$_pafter" ] || [ "${_pmods-0}" = 1 ] || [ "${_puc-0}" = 1 ]; then
              printf 'changed=1\0'; _pdiffof "$_pbefore" "$_pafter"
            else printf 'changed=0\0'; fi
            """#)
        return s.joined(separator: "\n")
    }
}
