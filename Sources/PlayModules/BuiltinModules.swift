import PlayExecutor

/// The table of modules every run starts with (with the collections' old names for the modules
/// they redirect), plus external modules found on disk.
public enum BuiltinModules {
    /// Built-in modules, then external executables from `externalDirectories` (`library/` beside the
    /// playbook, `--module-path`); an external module with a built-in's name replaces it, as in Ansible.
    public static func registry(externalDirectories: [String] = []) -> ModuleRegistry {
        var registry = ModuleRegistry(all)
        for (old, target) in CollectionRedirects.modules { registry.alias(old, to: target) }
        for module in ExternalModule.discover(in: externalDirectories) { registry.register(module) }
        return registry
    }

    public static var all: [any Module] {
        [
            DebugModule(), SetFactModule(), IncludeVarsModule(), AssertModule(), FailModule(), AddHostModule(), GroupByModule(),
            MetaModule(),
            CommandModule(), ShellModule(), CopyModule(), TemplateModule(), FileModule(), StatModule(), SetupModule(), SysctlModule(),
            WaitForModule(), URIModule(), PauseModule(),
            LineInFileModule(), ReplaceModule(), BlockInFileModule(), SlurpModule(), FetchModule(), PingModule(),
            RawModule(), WaitForConnectionModule(), TempFileModule(), FindModule(),
            S3FetchModule(), DeployLockModule(), DeployJournalModule(), EC2LaunchModule(), EC2InfoModule(), EC2StateModule(), ELBRegisterModule(),
            ELBDeregisterModule(), HealthWaitModule(),
            ECSTaskDefinitionModule(), ECSTaskDefinitionInfoModule(), ECSServiceModule(), ECSServiceInfoModule(), InstanceRefreshModule(),
            EC2VPCNetModule(), EC2VPCSubnetModule(), EC2SecurityGroupModule(), ELBTargetGroupModule(), ELBApplicationLBModule(),
            SSHStartModule(), AsyncStatusModule(),
            AptModule(), DnfModule(), ApkModule(), PackageModule(), SystemdServiceModule(), ServiceModule(),
            UserModule(), GroupModule(), CronModule(), AuthorizedKeyModule(), KnownHostsModule(), HostnameModule(), MountModule(),
            GetURLModule(), UnarchiveModule(), ArchiveModule(), GitModule(), ScriptModule(), AptRepositoryModule(), AptKeyModule(), PipModule(),
        ] + AmazonAWSModules.all
    }
}
