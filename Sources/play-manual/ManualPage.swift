/// One section-1 manual page in mdoc(7) for a command tree: NAME, SYNOPSIS (the command and each
/// subcommand), DESCRIPTION, OPTIONS, then a COMMANDS section with every subcommand's own
/// synopsis, description and options, and SEE ALSO.
struct ManualPage {
    var command: CommandDescription
    /// The date in the page's footer, as mdoc writes it (`December 7, 2026`).
    var date: String
    var seeAlso: [String]

    func render() -> String {
        var lines = [
            ".\\\" Generated from `\(command.commandName) --experimental-dump-help` by play-manual: do not edit.",
            ".Dd \(date)",
            ".Dt \(command.commandName.uppercased()) 1",
            ".Os",
            ".Sh NAME",
            ".Nm \(MDoc.argument(command.commandName))",
            ".Nd \(MDoc.escape(command.abstract ?? command.commandName))",
            ".Sh SYNOPSIS",
        ]
        for each in [command] + descendants(of: command) where each.arguments != nil {
            lines += synopsis(of: each)
        }
        if let discussion = command.discussion, !discussion.isEmpty {
            lines.append(".Sh DESCRIPTION")
            lines += MDoc.paragraphs(discussion)
        }
        if !command.documentedArguments.isEmpty {
            lines.append(".Sh OPTIONS")
            lines += argumentList(command.documentedArguments)
        }
        let subcommands = descendants(of: command)
        if !subcommands.isEmpty {
            lines.append(".Sh COMMANDS")
            for subcommand in subcommands { lines += section(for: subcommand) }
        }
        if !seeAlso.isEmpty {
            lines.append(".Sh SEE ALSO")
            for (index, page) in seeAlso.enumerated() {
                lines.append(".Xr \(MDoc.argument(page)) 1" + (index < seeAlso.count - 1 ? " ," : ""))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every documented command below `command`, depth first (`config`, `config dump`, ...).
    private func descendants(of command: CommandDescription) -> [CommandDescription] {
        command.documentedSubcommands.flatMap { [$0] + descendants(of: $0) }
    }

    /// `play inventory [options] [pattern]`: the words of the command, then each positional
    /// argument; the options are listed below it.
    private func synopsis(of command: CommandDescription) -> [String] {
        let words = command.fullName.split(separator: " ").map(String.init)
        var lines = [".Nm \(MDoc.argument(words[0]))" + words.dropFirst().map { " Cm \(MDoc.argument($0))" }.joined()]
        let arguments = command.documentedArguments
        if arguments.contains(where: { $0.kind != .positional }) { lines.append(".Op Ar options") }
        if !command.documentedSubcommands.isEmpty && !arguments.contains(where: { $0.kind == .positional }) {
            lines.append(".Ar command")
        }
        for argument in arguments where argument.kind == .positional {
            let name = MDoc.argument(argument.valueName ?? "argument") + (argument.isRepeating ? " No ..." : "")
            lines.append(argument.isOptional ? ".Op Ar \(name)" : ".Ar \(name)")
        }
        lines.append(".Br")
        return lines
    }

    /// A subcommand's subsection: its name, what it does, its options.
    private func section(for command: CommandDescription) -> [String] {
        var lines = [".Ss \(MDoc.argument(command.fullName))"]
        lines += MDoc.paragraphs(command.abstract ?? "")
        if let discussion = command.discussion, !discussion.isEmpty {
            lines.append(".Pp")
            lines += MDoc.paragraphs(discussion)
        }
        let arguments = command.documentedArguments
        if !arguments.isEmpty {
            lines += argumentList(arguments)
        }
        return lines
    }

    /// A tagged list, one item an argument: its spellings and value, then its help.
    private func argumentList(_ arguments: [ArgumentDescription]) -> [String] {
        var lines = [".Bl -tag -width 6n"]
        for argument in arguments {
            lines.append(".It " + heading(of: argument))
            var help = argument.abstract ?? ""
            if let values = argument.allValues, !values.isEmpty {
                help += (help.isEmpty ? "" : " ") + "One of: \(values.joined(separator: ", "))."
            }
            if argument.kind == .option, let value = argument.defaultValue, !value.isEmpty {
                help += (help.isEmpty ? "" : " ") + "Default: \(value)."
            }
            lines += MDoc.paragraphs(help)
            if let discussion = argument.discussion, !discussion.isEmpty {
                lines.append(".Pp")
                lines += MDoc.paragraphs(discussion)
            }
        }
        lines.append(".El")
        return lines
    }

    /// `Fl i , Fl \-inventory Ar inventory` (shown as `-i, --inventory inventory`).
    private func heading(of argument: ArgumentDescription) -> String {
        let value = MDoc.argument(argument.valueName ?? "value")
        if argument.kind == .positional { return "Ar \(value)" + (argument.isRepeating ? " No ..." : "") }
        let names = (argument.names ?? []).map { "Fl " + MDoc.escape(String($0.spelled.dropFirst())) }
        var heading = names.joined(separator: " , ")
        if argument.kind == .option { heading += " Ar \(value)" }
        return heading
    }
}
