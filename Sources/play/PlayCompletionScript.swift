import ArgumentParser
import VaultCommand

/// `play --generate-completion-script SHELL`: argument-parser's scripts, joined so that the
/// hand-dispatched `play inventory`, `play config` and `play vault` complete their own options.
///
/// argument-parser's generators cannot describe `play` as one tree: a command whose repeating
/// positional (the playbooks) sits beside subcommands has every word taken as a playbook, so
/// `play inventory --gr` would never reach inventory's options. So two generated scripts are
/// joined: `PlayCommand`'s (play's options, playbook files) and `PlaySubcommands`' (the three
/// commands under a root of their own name), with a small dispatcher on the word after `play`.
/// Each generated script's own registration line is dropped; the dispatcher registers instead.
/// fish gets play's options, playbook files and the command names (its generated conditions
/// compare whole command paths, so the commands' own options are not joined in).
enum PlayCompletionScript {
    static let commands = ["inventory", "config", "vault"]

    static func script(for shell: CompletionShell) -> String {
        switch shell {
        case .zsh: zsh
        case .fish: fish
        default: bash
        }
    }

    private static var bash: String {
        let run = dropping(PlayCommand.completionScript(for: .bash)) { $0.hasPrefix("complete ") }
        let subcommands = dropping(PlaySubcommands.completionScript(for: .bash)) { $0.hasPrefix("complete ") || $0.hasPrefix("#!") }
        let names = commands.joined(separator: "|")
        return run + "\n" + subcommands + """

            # play's main dispatches `play \(names)` itself: their words go to their own completions.
            _play_dispatch() {
                case "${COMP_WORDS[1]-}" in
                \(names))
                    if (( COMP_CWORD >= 2 )); then
                        _play_commands "${@}"
                        return
                    fi
                    ;;
                esac
                _play "${@}"
                if (( COMP_CWORD == 1 )) && [[ "${2}" != -* ]]; then
                    COMPREPLY+=($(compgen -W '\(commands.joined(separator: " "))' -- "${2}"))
                fi
            }

            complete -o filenames -F _play_dispatch play

            """
    }

    private static var zsh: String {
        let run = zshFunctions(PlayCommand.completionScript(for: .zsh))
        let subcommands = zshFunctions(PlaySubcommands.completionScript(for: .zsh))
        return "#compdef play\n" + run + "\n" + subcommands + """

            # play's main dispatches `play \(commands.joined(separator: "|"))` itself: their words go to their own completions.
            _play_dispatch() {
                if (( CURRENT > 2 )) && [[ "${words[2]}" = (\(commands.joined(separator: "|"))) ]]; then
                    _play_commands "${@}"
                    return
                fi
                local -i ret=1
                _play "${@}" && ret=0
                if (( CURRENT == 2 )) && [[ "${words[2]}" != -* ]]; then
                    local -a play_commands=(\(commands.map { "'\($0)'" }.joined(separator: " ")))
                    _describe -V 'play command' play_commands && ret=0
                fi
                return "${ret}"
            }

            if [[ "${funcstack[1]}" = _play ]]; then
                compdef _play_dispatch play
                _play_dispatch "${@}"
            else
                compdef _play_dispatch play
            fi

            """
    }

    private static var fish: String {
        PlayCommand.completionScript(for: .fish) + """

            # play's main dispatches these commands itself (their options are in `play COMMAND --help`).
            complete -c 'play' -n '__fish_use_subcommand' -f -a '\(commands.joined(separator: " "))'

            """
    }

    /// A generated zsh script's functions: without its `#compdef` line and the closing block that
    /// calls or registers its root function.
    private static func zshFunctions(_ script: String) -> String {
        var text = dropping(script) { $0.hasPrefix("#compdef") }
        if let closing = text.range(of: "\nif [[ \"${funcstack[1]}\"", options: .backwards) {
            text = String(text[..<closing.lowerBound])
        }
        return text
    }

    /// The shell `--generate-completion-script [SHELL]` (or `=SHELL`) asks for, the login shell's
    /// when none is named; nil for any other command line.
    static func requestedShell(_ arguments: [String]) -> Result<CompletionShell, ValidationError>? {
        guard let first = arguments.first else { return nil }
        let name: String?
        if first == "--generate-completion-script" {
            name = arguments.dropFirst().first
        } else if first.hasPrefix("--generate-completion-script=") {
            name = String(first.dropFirst("--generate-completion-script=".count))
        } else {
            return nil
        }
        guard let shell = name.map(CompletionShell.init(rawValue:)) ?? CompletionShell.autodetected() else {
            let known = CompletionShell.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(ValidationError("--generate-completion-script wants one of \(known), not '\(name ?? "")'"))
        }
        return .success(shell)
    }

    /// `script` without the lines `drop` picks.
    private static func dropping(_ script: String, where drop: (String) -> Bool) -> String {
        script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !drop($0) }
            .joined(separator: "\n")
    }
}

/// The commands `play` dispatches by hand, under a root of their own name, so their generated
/// completion functions (`_play_commands_inventory`...) cannot clash with `PlayCommand`'s `_play`.
struct PlaySubcommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play_commands",
        abstract: "The commands play dispatches by hand.",
        subcommands: PlayCommandTree.handDispatched)
}
