import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `file`: makes a path be a file (attributes only), a directory (created with its parents),
/// absent, touched, a symlink or a hard link, and sets mode/owner/group. Reports a change only
/// when something was (or in check mode would be) different. One command on the target.
public struct FileModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "file", arguments: [
        ArgumentSpec("path", .path, required: true, aliases: ["dest", "name"]),
        ArgumentSpec("state", .string, choices: ["absent", "directory", "file", "hard", "link", "touch"]),
        ArgumentSpec("src", .path),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("owner", .string),
        ArgumentSpec("group", .string),
        ArgumentSpec("recurse", .bool, defaultValue: false),
        ArgumentSpec("force", .bool, defaultValue: false),
        ArgumentSpec("follow", .bool, defaultValue: true),
        ArgumentSpec("modification_time", .string),
        ArgumentSpec("modification_time_format", .string, defaultValue: "%Y%m%d%H%M.%S"),
        ArgumentSpec("access_time", .string),
        ArgumentSpec("access_time_format", .string, defaultValue: "%Y%m%d%H%M.%S"),
    ] + SELinuxArguments.specs, freeForm: .keyValue)

    /// A `modification_time` / `access_time` value.
    enum TimeSetting: Equatable {
        case now, preserve
        /// Seconds since the epoch, from a timestamp read on the controller with its format.
        case at(Int)

        var shellText: String {
            switch self {
            case .now: return "now"
            case .preserve: return "preserve"
            case .at(let seconds): return String(seconds)
            }
        }

        /// nil means "not given" (the state's default applies); throws a message for a bad value.
        static func parse(_ text: String?, format: String, argument: String) throws -> TimeSetting? {
            guard let text else { return nil }
            switch text {
            case "now": return .now
            case "preserve": return .preserve
            default:
                guard let date = StrftimeFormat.date(text, format: format) else {
                    throw TimeFailure(description: "Error while obtaining timestamp for \(argument): '\(text)' does not match"
                        + " the format '\(format)' (or use now or preserve)")
                }
                return .at(Int(date.timeIntervalSince1970.rounded(.down)))
            }
        }
    }

    struct TimeFailure: Error, CustomStringConvertible {
        var description: String
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let refusal = try await SELinuxArguments.refusal(context) { return refusal }
        guard let path = context.string("path"), !path.isEmpty else { return .failed("path is required") }
        let mode: FileMode?
        do {
            mode = try FileMode.parse(context.args["mode"])
        } catch {
            return .failed(error.description, ["path": .string(path)])
        }
        let modification: TimeSetting?
        let access: TimeSetting?
        do {
            modification = try TimeSetting.parse(context.string("modification_time"),
                                                 format: context.string("modification_time_format") ?? "%Y%m%d%H%M.%S",
                                                 argument: "modification_time")
            access = try TimeSetting.parse(context.string("access_time"),
                                           format: context.string("access_time_format") ?? "%Y%m%d%H%M.%S",
                                           argument: "access_time")
        } catch let failure as TimeFailure {
            return .failed(failure.description, ["path": .string(path)])
        }
        let request = CommandRequest(
            command: script(path: path, state: context.string("state"), src: context.string("src"), mode: mode,
                            owner: context.string("owner"), group: context.string("group"),
                            recurse: context.bool("recurse"), force: context.bool("force"),
                            follow: context.bool("follow", default: true), checkMode: context.checkMode,
                            modificationTime: modification, accessTime: access),
            environment: context.environment, become: context.become, becomeUser: context.becomeUser)
        let answer = try await context.connection().run(request)
        let records = ScriptRecords(answer.stdout)
        if var failure = records.failure(of: answer) {
            failure["path"] = .string(records["path"] ?? path)
            return failure
        }
        return result(records, requestedPath: path, checkMode: context.checkMode)
    }

    func script(path: String, state: String?, src: String?, mode: FileMode?, owner: String?, group: String?,
                recurse: Bool, force: Bool, follow: Bool, checkMode: Bool,
                modificationTime: TimeSetting? = nil, accessTime: TimeSetting? = nil) -> String {
        var s = [FileScript.settings(mode: mode, owner: owner, group: group, checkMode: checkMode, follow: follow),
                 FileScript.functions]
        s.append("""
            _pP=\(ShellWord.expanded(path)); _pstate=\(ShellWords.quote(state ?? ""))
            _psrc=\(src.map(ShellWord.expanded) ?? "''"); _pforce=\(force ? 1 : 0); _precurse=\(recurse ? 1 : 0)
            _pmt=\(modificationTime?.shellText ?? "''"); _pat=\(accessTime?.shellText ?? "''")
            """)
        s.append(#"""
            _ptime() {
              _pl=; _ph=
              if [ -L "$1" ]; then if [ $_pfl = 1 ]; then _pl=-L; else _ph=-h; fi; fi
              case $3 in
              ''|preserve) ;;
              now)
                _pch=1
                _ptb=$(stat $_pl -c "%.9${4#%}" -- "$1" 2>/dev/null) || _ptb=
                [ "$_pck" = 1 ] || _pe=$(touch $2 $_ph -- "$1" 2>&1) || _pfail "Error while updating the times of $1: $_pe"
                printf '%s_before=%s\0%s_after=%s\0' "$5" "$_ptb" "$5" "$(date +%s.%N)";;
              *)
                if [ "$(stat $_pl -c $4 -- "$1")" != "$3" ]; then
                  _pch=1
                  _ptb=$(stat $_pl -c "%.9${4#%}" -- "$1" 2>/dev/null) || _ptb=
                  [ "$_pck" = 1 ] || _pe=$(touch $2 $_ph -d "@$3" -- "$1" 2>&1) || _pfail "Error while updating the times of $1: $_pe"
                  printf '%s_before=%s\0%s_after=%s\0' "$5" "$_ptb" "$5" "$3"
                fi;;
              esac
            }
            _pprev() {
              if [ -L "$1" ]; then echo link
              elif [ -d "$1" ]; then echo directory
              elif [ -e "$1" ]; then if [ "$(stat -c %h -- "$1")" -gt 1 ]; then echo hard; else echo file; fi
              else echo absent; fi
            }
            if [ "$_pstate" != link ] && [ "$_pstate" != absent ] && [ -n "$_psrc" ] && [ -d "$_pP" ]; then
              _pP="${_pP%/}/$(basename -- "$_psrc")"
            fi
            _pprv=$(_pprev "$_pP")
            if [ -z "$_pstate" ]; then
              if [ "$_pprv" != absent ]; then _pstate=$_pprv; elif [ $_precurse = 1 ]; then _pstate=directory; else _pstate=file; fi
            fi
            printf 'path=%s\0prev=%s\0' "$_pP" "$_pprv"
            [ $_precurse = 1 ] && [ "$_pstate" != directory ] && _pfail "recurse option requires state to be 'directory'"
            [ -n "$_psrc" ] && [ "$_pstate" != link ] && [ "$_pstate" != hard ] && _pfail "src option requires state to be 'link' or 'hard'"
            case $_pstate in
            file)
              if [ "$_pprv" != file ] && [ "$_pprv" != hard ]; then
                if [ $_pfl = 1 ] && [ "$_pprv" = link ] && [ -f "$_pP" ]; then _pP=$(readlink -f -- "$_pP")
                else _pfail "file ($_pP) is $_pprv, cannot continue"; fi
              fi
              _pattrs "$_pP" 0
              _ptime "$_pP" -m "$_pmt" %Y mtime; _ptime "$_pP" -a "$_pat" %X atime;;
            directory)
              if [ "$_pprv" = absent ]; then
                _pch=1
                if [ "$_pck" != 1 ]; then
                  case $_pP in /*) _pc=/;; *) _pc=;; esac
                  _pifs=$IFS; IFS=/; set -f; set -- $_pP; set +f; IFS=$_pifs
                  for _ppart; do
                    [ -n "$_ppart" ] || continue
                    case $_pc in ''|*/) _pc=$_pc$_ppart;; *) _pc=$_pc/$_ppart;; esac
                    if [ ! -e "$_pc" ]; then
                      # Another host sharing this filesystem may create it between the test and
                      # mkdir: that is not an error, as in Ansible.
                      _pe=$(mkdir -- "$_pc" 2>&1) || [ -d "$_pc" ] || _pfail "There was an issue creating $_pc as requested: $_pe"
                      _pattrs "$_pc" 0
                    elif [ ! -d "$_pc" ]; then _pfail "$_pc already exists as a file, cannot create $_pP"
                    fi
                  done
                fi
              elif [ "$_pprv" != directory ]; then
                if [ $_pfl = 1 ] && [ "$_pprv" = link ] && [ -d "$_pP" ]; then :
                else _pfail "$_pP already exists as a $_pprv"; fi
              fi
              if [ -d "$_pP" ]; then
                _pattrs "$_pP" $_precurse
                _ptime "$_pP" -m "$_pmt" %Y mtime; _ptime "$_pP" -a "$_pat" %X atime
              fi;;
            absent)
              if [ "$_pprv" != absent ]; then
                _pch=1
                if [ "$_pck" != 1 ]; then
                  if [ "$_pprv" = directory ]; then _pe=$(rm -rf -- "$_pP" 2>&1) || _pfail "rmtree failed: $_pe"
                  else _pe=$(rm -f -- "$_pP" 2>&1) || _pfail "unlinking failed: $_pe"; fi
                fi
              fi;;
            touch)
              if [ "$_pprv" = absent ]; then
                _pch=1
                if [ "$_pck" != 1 ]; then _pe=$( (: > "$_pP") 2>&1) || _pfail "Error, could not touch target: $_pe"; fi
              fi
              if [ -e "$_pP" ] || [ -L "$_pP" ]; then
                _pattrs "$_pP" 0
                _ptime "$_pP" -m "${_pmt:-now}" %Y mtime
                _ptime "$_pP" -a "${_pat:-now}" %X atime
              fi;;
            link)
              if [ -z "$_psrc" ]; then
                if [ $_pfl = 1 ] && [ "$_pprv" = link ]; then _psrc=$(readlink -- "$_pP")
                else _pfail "src is required for creating new symlinks"; fi
              fi
              case $_psrc in /*) _pabs=$_psrc;; *) _pabs="$(dirname -- "$_pP")/$_psrc";; esac
              if [ $_pforce != 1 ] && [ ! -e "$_pabs" ]; then
                _pfail "src file does not exist, use \"force=yes\" if you really want to create the link: $_pabs"
              fi
              case $_pprv in
              directory)
                [ $_pforce = 1 ] || _pfail "refusing to convert from directory to symlink for $_pP"
                [ -z "$(ls -A -- "$_pP")" ] || _pfail "the directory $_pP is not empty, refusing to convert it";;
              file|hard) [ $_pforce = 1 ] || _pfail "refusing to convert from $_pprv to symlink for $_pP";;
              esac
              if [ "$_pprv" != link ] || [ "$(readlink -- "$_pP")" != "$_psrc" ]; then
                _pch=1
                if [ "$_pck" != 1 ]; then
                  if [ "$_pprv" = directory ]; then _pe=$(rmdir -- "$_pP" 2>&1) || _pfail "Error while replacing: $_pe"; fi
                  _pe=$(ln -sfn -- "$_psrc" "$_pP" 2>&1) || _pfail "Error while linking: $_pe"
                fi
              fi
              printf 'src=%s\0' "$_psrc"
              if [ -e "$_pP" ] || { [ $_pfl != 1 ] && [ -L "$_pP" ]; }; then _pattrs "$_pP" 0; fi;;
            hard)
              [ -n "$_psrc" ] || _pfail "src is required for creating new hard links"
              case $_psrc in /*) _pabs=$_psrc;; *) _pabs="$(dirname -- "$_pP")/$_psrc";; esac
              [ -e "$_pabs" ] || _pfail "src does not exist: $_pabs"
              _pdo=1
              case $_pprv in
              file|hard)
                if [ "$_pP" -ef "$_pabs" ]; then _pdo=0
                elif [ $_pforce != 1 ]; then _pfail "Cannot link, different hard link exists at destination"; fi;;
              directory) _pfail "Cannot link, $_pP is a directory";;
              esac
              if [ $_pdo = 1 ]; then
                _pch=1
                if [ "$_pck" != 1 ]; then _pe=$(ln -f -- "$_pabs" "$_pP" 2>&1) || _pfail "Error while linking: $_pe"; fi
              fi
              printf 'src=%s\0' "$_psrc"
              [ -e "$_pP" ] && _pattrs "$_pP" 0;;
            esac
            if [ -e "$_pP" ] || [ -L "$_pP" ]; then _preport "$_pP"; fi
            printf 'path=%s\0state=%s\0changed=%s\0' "$_pP" "$_pstate" "$_pch"
            """#)
        return s.joined(separator: "\n")
    }

    private func result(_ records: ScriptRecords, requestedPath: String, checkMode: Bool) -> TaskResult {
        var r = TaskResult()
        r.changed = records.flag("changed")
        let path = records["path"] ?? requestedPath
        let state = records["state"] ?? "file"
        // Ansible's file module names the path `dest` for links and touch, `path` otherwise.
        if state == "link" || state == "hard" || state == "touch" {
            r["dest"] = .string(path)
            if let src = records["src"] { r["src"] = .string(src) }
        } else {
            r["path"] = .string(path)
        }
        let attributes = records.fileAttributes()
        if state == "absent" || attributes.isEmpty {
            // Removed, or (check mode) not created yet.
            r["state"] = .string(state)
        } else {
            for (k, v) in attributes { r[k] = v }
            if state == "hard" { r["state"] = "hard" }
        }
        // Nothing to compare for a path already absent, or (check mode) a file touch would create.
        if let prev = records["prev"], prev != "absent" || (state != "absent" && !(state == "touch" && checkMode)) {
            r["diff"] = Self.diff(records, path: path, previousState: prev, state: state)
        }
        return r
    }

    /// Ansible's file module returns this whether or not the task runs in diff mode: the path, and
    /// the state, owner, group (ids), mode (`0644`) and times that changed, before and after.
    static func diff(_ records: ScriptRecords, path: String, previousState: String, state: String) -> Value {
        var before: OrderedDictionary<String, Value> = ["path": .string(path)]
        var after = before
        if previousState != state {
            before["state"] = .string(previousState)
            after["state"] = .string(state)
        }
        for (key, record) in [("owner", "user"), ("group", "group")] {
            guard let was = records["\(record)_before"], let now = records["\(record)_after"] else { continue }
            before[key] = Int(was).map(Value.int) ?? .string(was)
            after[key] = Int(now).map(Value.int) ?? .string(now)
        }
        // Times (touch, modification_time, access_time) as Python's floats; busybox's stat and
        // date may not give fractions, and then they are left out.
        for key in ["mtime", "atime"] {
            guard let was = records["\(key)_before"].flatMap(Double.init),
                  let now = records["\(key)_after"].flatMap(Double.init) else { continue }
            before[key] = .double(was)
            after[key] = .double(now)
        }
        if let was = records["mode_before"].flatMap({ Int($0, radix: 8) }),
           let now = records["mode_after"].flatMap({ Int($0, radix: 8) }) {
            before["mode"] = .string(modeText(was))
            after["mode"] = .string(modeText(now))
        }
        return ["before": .dict(before), "after": .dict(after)]
    }

    /// A mode as Ansible's diff writes it: a zero, then at least three octal digits.
    static func modeText(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return "0" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
