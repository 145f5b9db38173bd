import Foundation
import PlayBase

/// The shell the package modules share on the target: records out (`_rec`, `_pfail`), a scratch
/// directory, and `_prun`, which runs one package-manager command, keeps its output for the
/// result's `stdout`/`stderr` and its exit status in `_prc`. The caller's script follows it and
/// ends with `_pdone`, which prints the gathered output.
enum PackageScript {
    static let prelude = #"""
        _rec() { printf '%s=%s\0' "$1" "$2"; }
        _pt=$(mktemp -d 2>/dev/null || mktemp -d -t play.XXXXXX) || { printf 'failed=cannot create a scratch directory\0'; exit 0; }
        trap 'rm -rf "$_pt"' EXIT
        : >"$_pt/out"; : >"$_pt/err"
        _pdone() {
          printf 'stdout='; cat "$_pt/out"; printf '\0'
          printf 'stderr='; cat "$_pt/err"; printf '\0'
          exit 0
        }
        _pfail() { printf 'failed=%s\0' "$1"; [ -n "$2" ] && printf 'rc=%s\0' "$2"; _pdone; }
        _prun() {
          "$@" >"$_pt/o" 2>"$_pt/e"; _prc=$?
          cat "$_pt/o" >>"$_pt/out"; cat "$_pt/e" >>"$_pt/err"
          return $_prc
        }
        _pcmd() { _rec cmd "$*"; }
        """#

    /// `words` as one line of quoted shell words.
    static func words(_ words: [String]) -> String {
        words.map(ShellWords.quote).joined(separator: " ")
    }
}
