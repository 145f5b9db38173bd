import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `package`: the host's own package module with the task's arguments (all but `use`). The
/// manager is `use:` when given, else `ansible_package_use`, else the `ansible_pkg_mgr` fact when
/// facts were gathered, else
/// found on the target: the probe and the apt or dnf work go in the same script, each branch
/// prepared only when the task's arguments suit that module.
public struct PackageModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "package", arguments: [
        ArgumentSpec("name", .raw, required: true, aliases: ["pkg"]),
        ArgumentSpec("state", .string),
        ArgumentSpec("use", .string, defaultValue: "auto"),
    // Like Ansible's action, it checks nothing itself: the chosen module checks the arguments.
    ], freeForm: .keyValue, acceptsAnyArguments: true)

    /// `pkg_mgr` fact values and the module that serves each.
    static func backend(for manager: String) -> (any Module)? {
        switch manager {
        case "apt": AptModule()
        case "dnf", "dnf5", "yum": DnfModule()
        case "apk": ApkModule()
        default: nil
        }
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        var args = context.args
        args.removeValue(forKey: "use")
        var manager = context.string("use") ?? "auto"
        if manager == "auto", let fact = Self.factManager(context.variables) { manager = fact }
        if manager != "auto" {
            guard let module = Self.backend(for: manager) else {
                return .failed("Could not find a matching action for the \"\(manager)\" package manager.")
            }
            return try await Self.delegate(to: module, args: args, context: context)
        }
        return try await probeAndRun(args: args, context: context)
    }

    /// `ansible_package_use`, else the gathered `pkg_mgr` fact.
    static func factManager(_ variables: TaskVariables) -> String? {
        if let use = variables.lookup("ansible_package_use")?.stringValue, !use.isEmpty { return use }
        if let facts = variables.lookup("ansible_facts")?.dictValue, let m = facts["pkg_mgr"]?.stringValue, m != "unknown" { return m }
        if let m = variables.lookup("ansible_pkg_mgr")?.stringValue, m != "unknown" { return m }
        return nil
    }

    static func context(_ context: ModuleContext, for module: any Module,
                        args: OrderedDictionary<String, Value>) throws(ArgumentProblem) -> ModuleContext {
        var inner = context
        inner.args = try ArgumentChecker.checked(args, against: module.spec)
        return inner
    }

    static func delegate(to module: any Module, args: OrderedDictionary<String, Value>,
                         context: ModuleContext) async throws -> TaskResult {
        let inner: ModuleContext
        do { inner = try Self.context(context, for: module, args: args) } catch { return .failed("\(error)") }
        return try await module.run(inner)
    }

    /// One script: which manager the target has and, for apt and dnf, that module's work.
    private func probeAndRun(args: OrderedDictionary<String, Value>, context: ModuleContext) async throws -> TaskResult {
        let aptContext = try? Self.context(context, for: AptModule(), args: args)
        let dnfContext = try? Self.context(context, for: DnfModule(), args: args)
        let aptPlan = aptContext.flatMap { try? AptModule.plan($0) }
        let dnfPlan = dnfContext.map { DnfModule.plan($0) }
        func branch(_ name: String, _ body: String?) -> String {
            "printf 'pkg_mgr=\(name)\\0'\n" + (body.map { "( \($0)\n)" } ?? "")
        }
        let script = """
            if command -v apt-get >/dev/null 2>&1; then
            \(branch("apt", aptPlan?.script()))
            elif command -v dnf5 >/dev/null 2>&1 || command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
            \(branch("dnf", dnfPlan?.script()))
            elif command -v apk >/dev/null 2>&1; then
            printf 'pkg_mgr=apk\\0'
            fi
            """
        let answer = try await context.connection().run(
            CommandRequest(command: script, environment: context.environment,
                           become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        switch records["pkg_mgr"] {
        case "apt":
            guard let aptPlan else { return try await Self.delegate(to: AptModule(), args: args, context: context) }
            return AptModule.result(records, answer: answer, plan: aptPlan, diff: context.diffMode)
        case "dnf":
            guard dnfPlan != nil else { return try await Self.delegate(to: DnfModule(), args: args, context: context) }
            return DnfModule.result(records, answer: answer, checkMode: context.checkMode)
        case "apk":
            return try await Self.delegate(to: ApkModule(), args: args, context: context)
        default:
            return .failed("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.")
        }
    }
}
