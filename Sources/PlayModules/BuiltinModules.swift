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

    public static var all: [ModuleEntry] {
        [
            .init("debug") { DebugModule() }, .init("set_fact") { SetFactModule() },
            .init("include_vars") { IncludeVarsModule() }, .init("assert") { AssertModule() }, .init("fail") { FailModule() },
            .init("add_host") { AddHostModule() }, .init("group_by") { GroupByModule() },
            .init("meta") { MetaModule() },
            .init("command") { CommandModule() }, .init("shell") { ShellModule() }, .init("copy") { CopyModule() },
            .init("template") { TemplateModule() }, .init("file") { FileModule() }, .init("stat") { StatModule() },
            .init("setup", aliases: ["gather_facts"]) { SetupModule() }, .init("sysctl") { SysctlModule() },
            .init("wait_for") { WaitForModule() }, .init("uri") { URIModule() }, .init("pause") { PauseModule() },
            .init("lineinfile") { LineInFileModule() }, .init("replace") { ReplaceModule() },
            .init("blockinfile") { BlockInFileModule() }, .init("slurp") { SlurpModule() }, .init("fetch") { FetchModule() },
            .init("ping") { PingModule() },
            .init("raw") { RawModule() }, .init("wait_for_connection") { WaitForConnectionModule() },
            .init("tempfile") { TempFileModule() }, .init("find") { FindModule() },
            .init("s3_fetch") { S3FetchModule() }, .init("deploy_lock") { DeployLockModule() },
            .init("deploy_journal") { DeployJournalModule() }, .init("ec2_launch") { EC2LaunchModule() },
            .init("ec2_info") { EC2InfoModule() }, .init("ec2_state") { EC2StateModule() },
            .init("elb_register") { ELBRegisterModule() },
            .init("elb_deregister") { ELBDeregisterModule() }, .init("health_wait") { HealthWaitModule() },
            .init("ecs_taskdefinition") { ECSTaskDefinitionModule() },
            .init("ecs_taskdefinition_info") { ECSTaskDefinitionInfoModule() }, .init("ecs_service") { ECSServiceModule() },
            .init("ecs_service_info") { ECSServiceInfoModule() }, .init("ecs_task") { ECSTaskModule() },
            .init("instance_refresh") { InstanceRefreshModule() },
            .init("ec2_vpc_net") { EC2VPCNetModule() }, .init("ec2_vpc_subnet") { EC2VPCSubnetModule() },
            .init("ec2_security_group", aliases: ["ec2_group"]) { EC2SecurityGroupModule() },
            .init("elb_target_group") { ELBTargetGroupModule() }, .init("elb_application_lb") { ELBApplicationLBModule() },
            .init("ssh_start") { SSHStartModule() }, .init("async_status") { AsyncStatusModule() },
            .init("apt") { AptModule() }, .init("dnf", aliases: ["yum"]) { DnfModule() },
            .init("apk", aliases: ["community.general.apk"]) { ApkModule() }, .init("package") { PackageModule() },
            .init("systemd_service", aliases: ["systemd"]) { SystemdServiceModule() }, .init("service") { ServiceModule() },
            .init("user") { UserModule() }, .init("group") { GroupModule() }, .init("cron") { CronModule() },
            .init("authorized_key") { AuthorizedKeyModule() }, .init("known_hosts") { KnownHostsModule() },
            .init("hostname") { HostnameModule() }, .init("mount") { MountModule() },
            .init("get_url") { GetURLModule() }, .init("unarchive") { UnarchiveModule() },
            .init("archive") { ArchiveModule() }, .init("git") { GitModule() }, .init("script") { ScriptModule() },
            .init("apt_repository") { AptRepositoryModule() }, .init("apt_key") { AptKeyModule() },
            .init("pip") { PipModule() },

        ] + AmazonAWSModules.all
    }
}
