import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayConnectionAWS
import PlayExecutor
import PlayInventory
import PlayInventoryPlugins
import PlayLanguage
import PlayModules
import PlayTemplating
import PlayVault

/// One `play` invocation from flags to exit code: secrets, inventory, modules, compile, then list or run.
/// The executable only parses flags into a `Request` and calls `run`.
public enum PlaybookSession {
    public struct Request: Sendable {
        public var playbooks: [String]
        public var inventories: [String]
        public var extraVars: [String]
        public var tags: [String]
        public var skipTags: [String]
        public var limit: String?
        public var check: Bool
        public var diff: Bool
        public var forks: Int?
        public var verbosity: Int
        public var listTasks: Bool
        public var listTags: Bool
        public var listHosts: Bool
        public var syntaxCheck: Bool
        public var graph: Bool
        public var json: Bool
        public var colour: Bool
        public var askVaultPass: Bool
        public var vaultPasswordFiles: [String]
        public var vaultIDs: [String]
        public var forceHandlers: Bool
        public var modulePaths: [String]
        public var connection: String?
        public var user: String?
        public var privateKey: String?
        public var become: Bool?
        public var becomeUser: String?
        public var environment: [String: String]
        /// The callbacks that print the run, as set by a configuration file; the environment's
        /// ANSIBLE_STDOUT_CALLBACK, ANSIBLE_CALLBACK_RESULT_FORMAT and ANSIBLE_CALLBACKS_ENABLED win.
        public var outputSettings = OutputSettings()
        /// `--report FILE.html`: the run's page, written after the run.
        public var reportPath: String?
        /// `--load-report FILE`: a load generator's report the page shows beside a deploy.
        public var loadReportPath: String?
        /// ansible.cfg and `ANSIBLE_*` settings; the flags above win over them (`nil`, empty or
        /// false flags leave the setting in force).
        public var configuration: Configuration

        public init(playbooks: [String], inventories: [String] = [], extraVars: [String] = [], tags: [String] = [],
                    skipTags: [String] = [], limit: String? = nil, check: Bool = false, diff: Bool = false,
                    forks: Int? = nil, verbosity: Int = 0, listTasks: Bool = false, listTags: Bool = false,
                    listHosts: Bool = false, syntaxCheck: Bool = false, graph: Bool = false, json: Bool = false,
                    colour: Bool = false, askVaultPass: Bool = false, vaultPasswordFiles: [String] = [],
                    vaultIDs: [String] = [], forceHandlers: Bool = false, modulePaths: [String] = [],
                    connection: String? = nil, user: String? = nil, privateKey: String? = nil, become: Bool? = nil,
                    becomeUser: String? = nil, environment: [String: String] = [:],
                    configuration: Configuration = .defaults(home: NSHomeDirectory())) {
            self.playbooks = playbooks
            self.inventories = inventories
            self.extraVars = extraVars
            self.tags = tags
            self.skipTags = skipTags
            self.limit = limit
            self.check = check
            self.diff = diff
            self.forks = forks
            self.verbosity = verbosity
            self.listTasks = listTasks
            self.listTags = listTags
            self.listHosts = listHosts
            self.syntaxCheck = syntaxCheck
            self.graph = graph
            self.json = json
            self.colour = colour
            self.askVaultPass = askVaultPass
            self.vaultPasswordFiles = vaultPasswordFiles
            self.vaultIDs = vaultIDs
            self.forceHandlers = forceHandlers
            self.modulePaths = modulePaths
            self.connection = connection
            self.user = user
            self.privateKey = privateKey
            self.become = become
            self.becomeUser = becomeUser
            self.environment = environment
            self.configuration = configuration
        }
    }

    /// Runs the request and returns the process exit code (`PlayExitCode`).
    ///
    /// `terminate` ends the process with the code it is given; it is called only on a second
    /// Ctrl-C or SIGTERM during a run, from a signal queue, after connections are closed. The
    /// executable provides it, since no library ends the process.
    public static func run(_ given: Request, output: any SessionOutput,
                           terminate: @escaping @Sendable (Int32) -> Never) async -> Int32 {
        let request = given.withConfiguredDefaults()
        request.configuration.announce(verbosity: request.verbosity, output: output)
        // Whatever came out of a vault is blanked in everything the run prints.
        let redactor = SecretRedactor()
        let output = RedactingOutput(output, redactor: redactor)
        let renderer = DiagnosticRenderer(colour: request.colour)
        func report(_ error: any Error) {
            switch error {
            case let d as Diagnostic: output.error(renderer.render(d))
            case let list as DiagnosticList: for d in list.diagnostics { output.error(renderer.render(d)) }
            default: output.error("ERROR! \(error)\n")
            }
        }

        // Secrets, extra vars, the YAML loader every file goes through.
        let loader: YAMLLoader
        let extraVars: OrderedDictionary<String, Value>
        do {
            let secrets = try VaultKeyring.loadSecrets(
                vaultIDs: request.vaultIDs, passwordFiles: request.vaultPasswordFiles,
                askVaultPass: request.askVaultPass, environment: request.configuration.vaultEnvironment(request.environment),
                warn: { output.error("[WARNING]: \($0)\n") })
            // Listings never need vaulted values (Ansible decrypts lazily), so they work without a password.
            let listingOnly = request.syntaxCheck || request.listTasks || request.listTags || request.listHosts || request.graph
            loader = YAMLLoader(secrets: secrets.isEmpty && listingOnly ? ListingVaultPlaceholder() as any VaultSecretResolver
                                    : RecordingVaultResolver(secrets, redactor: redactor))
            extraVars = try ExtraVars.parse(request.extraVars, loader: loader)
        } catch {
            report(error)
            return PlayExitCode.error
        }

        // Playbooks are checked whole before anything runs.
        let registry = BuiltinModules.registry(
            externalDirectories: request.modulePaths + request.playbooks.map {
                (($0 as NSString).deletingLastPathComponent.isEmpty ? "." : ($0 as NSString).deletingLastPathComponent) + "/library"
            })
        let compiler = PlaybookCompiler(catalog: registry, loader: loader, importTemplating: ImportNames(), extraVars: extraVars)
        let selection = TagSelection(tags: request.tags, skipTags: request.skipTags)
        var compiled: [CompiledPlaybook] = []
        // --list-tags lists `never` tags too unless tags were asked for (as Ansible).
        let compileSelection = request.listTags ? selection.forTagListing : selection
        for path in request.playbooks {
            guard FileManager.default.fileExists(atPath: path) else {
                output.error("ERROR! the playbook: \(path) could not be found\n")
                return PlayExitCode.error
            }
            do {
                let playbook = try compiler.compile(path: path, selection: compileSelection)
                for warning in playbook.warnings { output.error(renderer.render(warning)) }
                compiled.append(playbook)
            } catch {
                report(error)
                return PlayExitCode.parseError
            }
        }

        let playbookDirectory = ((request.playbooks.first ?? ".") as NSString).deletingLastPathComponent
        let inventory: Inventory
        do {
            inventory = request.inventories.isEmpty
                ? Inventory.empty()
                : try await Inventory.load(sources: request.inventories,
                                           playbookDirectory: playbookDirectory.isEmpty ? "." : playbookDirectory,
                                           loader: loader, plugins: BuiltinInventoryPlugins.all(environment: request.environment))
        } catch {
            report(error)
            return PlayExitCode.error
        }

        if request.graph {
            for playbook in compiled { output.write(TaskGraph(playbook).dot()) }
            return PlayExitCode.success
        }
        let templar = Templar(options: TemplarOptions(
            searchPaths: [playbookDirectory.isEmpty ? "." : playbookDirectory], environment: request.environment))
        if request.syntaxCheck || request.listTasks || request.listTags || request.listHosts {
            for playbook in compiled {
                if request.syntaxCheck && !(request.listTasks || request.listTags || request.listHosts) {
                    output.write(PlaybookListing.syntaxCheck(path: playbook.path))
                    continue
                }
                let hosts: ((String) -> [String])? = request.listHosts ? { pattern in
                    (try? inventory.hosts(matching: pattern, limit: request.limit)) ?? []
                } : nil
                // A templated play name is shown rendered with the play's vars and -e, as Ansible does.
                let playName: (Play) -> String = { play in
                    let vars = TaskVariables(layers: [play.vars, play.promptDefaults, extraVars])
                    return (try? templar.renderString(play.displayName, vars).renderedString) ?? play.displayName
                }
                output.write(PlaybookListing.render(playbook, tasks: request.listTasks, tags: request.listTags,
                                                   hosts: hosts, playName: playName))
            }
            return PlayExitCode.success
        }

        var options = RunOptions()
        options.forks = request.forks ?? 5
        options.checkMode = request.check
        options.diffMode = request.diff
        options.verbosity = request.verbosity
        options.extraVars = extraVars
        options.limit = request.limit
        options.forceHandlers = request.forceHandlers
        options.selection = selection
        options.environment = request.environment
        options.connection = request.connection
        options.remoteUser = request.user
        options.privateKeyFile = request.privateKey
        options.become = request.become
        options.becomeUser = request.becomeUser
        options.inventorySources = request.inventories.map { source in
            source.contains(",") ? source : URL(fileURLWithPath: (source as NSString).expandingTildeInPath).standardizedFileURL.path
        }
        request.configuration.apply(to: &options)

        let recorder = request.reportPath.map { _ in RunRecorder() }
        let sink: StreamingSink
        do {
            let (stdout, callbacks) = request.json
                ? (JSONEventRenderer() as any EventRenderer, [])
                : try request.outputSettings.resolved(environment: request.environment).renderers(
                    colour: request.colour, verbosity: request.verbosity, environment: request.environment,
                    warn: { output.error($0) })
            sink = StreamingSink(output: output, stdout: stdout, callbacks: callbacks + [recorder].compactMap { $0 },
                                 jsonLines: request.json)
        } catch {
            output.error("ERROR! \(error)\n")
            return PlayExitCode.error
        }
        let interrupt = InterruptFlag()
        var exitCode = PlayExitCode.success
        do {
            try await withConnectionPool(plugins: [AWSSSMPlugin(environment: request.environment)]) { pool in
                let signals = SignalWatcher(interrupt: interrupt) {
                    pool.closeAllNow()
                    terminate(PlayExitCode.interrupted)
                }
                defer { signals.stop() }
                // Several playbooks run as one run (facts, registered results and stats carry over),
                // with a recap of the stats so far after each playbook, as ansible-playbook does.
                let all = CompiledPlaybook(path: compiled[0].path, plays: compiled.flatMap(\.plays),
                                           nodeCount: compiled.map(\.nodeCount).reduce(0, +))
                var executor = PlaybookExecutor(playbook: all, modules: registry, compiler: compiler,
                                                loader: loader, templar: templar, options: options, events: sink)
                var end = -1
                for book in compiled.dropLast() {
                    end += book.plays.count
                    if !book.plays.isEmpty { executor.playbookEnds.insert(end) }
                }
                let outcome = await executor.run(inventory: inventory, pool: pool, interrupt: interrupt)
                exitCode = PlayExitCode.of(outcome)
                RetryFile.write(outcome, playbook: request.playbooks[0], configuration: request.configuration, output: output)
            }
        } catch {
            report(error)
            return PlayExitCode.error
        }
        if let path = request.reportPath, let recorder {
            do {
                try RunReportFile.write(recorder.record(), to: path, loadReport: request.loadReportPath)
            } catch {
                output.error("ERROR! could not write the report \(path): \(error)\n")
                if exitCode == PlayExitCode.success { exitCode = PlayExitCode.error }
            }
        }
        return exitCode
    }
}
