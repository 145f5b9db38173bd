import ArgumentParser
import Foundation
import PlayApp

/// `play`: runs Ansible playbooks. Flags follow ansible-playbook's.
struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Run Ansible-compatible playbooks against hosts over SSH, locally, and on AWS.",
        discussion: """
            `play vault ...` runs the vault command (see `vault --help`); `play inventory ...` shows the inventory as \
            ansible-inventory does (see `play inventory --help`); `play config dump [--only-changed]` and \
            `play config view` show the ansible.cfg and ANSIBLE_* settings as ansible-config does.
            Settings not given as flags come from ANSIBLE_* variables, then ansible.cfg (ANSIBLE_CONFIG, \
            ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg: the first found), then Ansible's defaults.
            """)

    @Argument(help: "Playbook files to run, in order.", completion: .file(extensions: ["yml", "yaml"]))
    var playbooks: [String] = []

    @Option(name: [.customShort("i"), .long], help: "Inventory file, directory or comma-separated host list (repeatable).")
    var inventory: [String] = []

    @Option(name: [.customShort("e"), .customLong("extra-vars")], help: "Extra variables: key=value, YAML/JSON, or @file (repeatable).")
    var extraVars: [String] = []

    @Option(name: [.customShort("t"), .long], help: "Only run tasks tagged with these tags (comma-separated, repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("skip-tags"), help: "Skip tasks tagged with these tags (comma-separated, repeatable).")
    var skipTags: [String] = []

    @Option(name: [.customShort("l"), .long], help: "Further limit the selected hosts to a pattern.")
    var limit: String?

    @Flag(name: [.customShort("C"), .long], help: "Check mode: report what would change, change nothing.")
    var check = false

    @Flag(name: [.customShort("D"), .long], help: "Show the differences of changed files.")
    var diff = false

    @Option(name: [.customShort("f"), .long], help: "Hosts to run in parallel (default: forks in ansible.cfg, else 5).")
    var forks: Int?

    @Flag(name: .customShort("v"), help: "More output (-vvvv for the most).")
    var verbose: Int

    @Flag(name: .customLong("list-tasks"), help: "List the tasks that would run.")
    var listTasks = false

    @Flag(name: .customLong("list-tags"), help: "List all available tags.")
    var listTags = false

    @Flag(name: .customLong("list-hosts"), help: "List the hosts each play would run on.")
    var listHosts = false

    @Flag(name: .customLong("syntax-check"), help: "Check the playbook's syntax and exit.")
    var syntaxCheck = false

    @Flag(name: .customLong("graph"), help: "Print the compiled task graph as Graphviz DOT.")
    var graph = false

    @Option(name: .long, help: "Output format: human or json (one JSON event per line).")
    var output: OutputFormat = .human

    @OptionGroup var vault: VaultOptions

    @Flag(name: .customLong("force-handlers"), help: "Run handlers even if a task fails.")
    var forceHandlers = false

    @Option(name: [.customShort("M"), .customLong("module-path")], help: "Directories with external modules (repeatable, or ':'-separated).")
    var modulePaths: [String] = []

    @Option(name: [.customShort("c"), .long], help: "Connection type to use (ssh, local).")
    var connection: String?

    @Option(name: [.customShort("u"), .customLong("user")], help: "Connect as this user.")
    var user: String?

    @Option(name: .customLong("private-key"), help: "Use this file to authenticate the SSH connection.")
    var privateKey: String?

    @Flag(name: [.customShort("b"), .long], help: "Run operations with become (sudo).")
    var become = false

    @Option(name: .customLong("become-user"), help: "Run operations as this user (default root).")
    var becomeUser: String?

    @Option(name: .customLong("report"), help: "Write a self-contained HTML page about the run to this file.")
    var report: String?

    @Option(name: .customLong("load-report"), help: "A load generator's JSON report to show in the --report page.")
    var loadReport: String?

    @Flag(name: .long, help: "Show the version, the build and the configuration in use, and exit.")
    var version = false

    enum OutputFormat: String, ExpressibleByArgument { case human, json }

    func validate() throws {
        if version { return }
        if playbooks.isEmpty { throw ValidationError("the following arguments are required: playbook") }
        if let forks, forks < 1 { throw ValidationError("forks must be at least 1") }
    }

    func run() async throws {
        if version {
            FileHandle.standardOutput.write(Data(VersionText.text(program: "play").utf8))
            return
        }
        let configuration = try LoadedConfiguration.forProcess()
        if let forks = configuration.int("DEFAULT_FORKS"), forks < 1, self.forks == nil {
            throw ValidationError("forks must be at least 1 (DEFAULT_FORKS is \(forks))")
        }
        let terminal = (isatty(STDOUT_FILENO) == 1 && !configuration.bool("ANSIBLE_NOCOLOR")
            && ProcessInfo.processInfo.environment["NO_COLOR"] == nil) || configuration.bool("ANSIBLE_FORCE_COLOR")
        var request = PlaybookSession.Request(
            playbooks: playbooks, inventories: inventory, extraVars: extraVars,
            tags: tags.flatMap { $0.split(separator: ",").map(String.init) },
            skipTags: skipTags.flatMap { $0.split(separator: ",").map(String.init) },
            limit: limit, check: check, diff: diff, forks: forks, verbosity: verbose,
            listTasks: listTasks, listTags: listTags, listHosts: listHosts, syntaxCheck: syntaxCheck, graph: graph,
            json: output == .json, colour: terminal, askVaultPass: vault.askVaultPass,
            vaultPasswordFiles: vault.vaultPasswordFiles, vaultIDs: vault.vaultIDs, forceHandlers: forceHandlers,
            modulePaths: modulePaths.flatMap { $0.split(separator: ":").map(String.init) },
            connection: connection, user: user, privateKey: privateKey, become: become ? true : nil,
            becomeUser: becomeUser, environment: ProcessInfo.processInfo.environment, configuration: configuration)
        request.reportPath = report
        request.loadReportPath = loadReport
        // stdout_callback and callbacks_enabled from the configuration (its ANSIBLE_* variables
        // already over the file); the result format is the default callback's own option (its
        // ANSIBLE_CALLBACK_RESULT_FORMAT is read by OutputSettings).
        request.outputSettings = OutputSettings(stdoutCallback: configuration.string("DEFAULT_STDOUT_CALLBACK"),
                                                callbacksEnabled: configuration.strings("CALLBACKS_ENABLED"))
        // Only the executable ends the process: a second Ctrl-C during the run ends it here.
        let code = await PlaybookSession.run(request, output: StandardStreams(), terminate: { Foundation.exit($0) })
        if code != 0 { throw ExitCode(code) }
    }
}

