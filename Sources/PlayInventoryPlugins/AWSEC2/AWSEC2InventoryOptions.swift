import OrderedCollections
import PlayAWS
import PlayBase
import PlayInventory
import PlayTemplating

/// The options of an aws_ec2 inventory file, with the plugin's defaults, aliases and environment
/// variables. Credentials, region and endpoint left unset fall through to play's AWS chain
/// (AWS_* variables, profiles, instance metadata), as boto3's do.
struct AWSEC2InventoryOptions: Sendable {
    var regions: [String] = []
    var includeFilters: [OrderedDictionary<String, Value>] = []
    var excludeFilters: [OrderedDictionary<String, Value>] = []
    var hostnames: [Value] = []
    var hostnamesLocation: SourceLocation?
    var allowDuplicatedHosts = false
    var strictPermissions = true
    var contribSanitization = false
    var hostVariables = AWSEC2HostVariables()
    var constructed: Constructed
    var settings = AWSSettings()

    static let known: Set<String> = [
        "plugin", "regions", "hostnames", "allow_duplicated_hosts", "filters", "include_filters", "exclude_filters",
        "strict_permissions", "use_contrib_script_compatible_sanitization", "use_contrib_script_compatible_ec2_tag_keys",
        "hostvars_prefix", "hostvars_suffix", "use_ssm_inventory", "route53_enabled", "route53_hostnames",
        "route53_excluded_zones", "compose", "groups", "keyed_groups", "strict", "leading_separator", "use_extra_vars",
        "cache", "cache_plugin", "cache_timeout", "cache_connection", "cache_prefix",
        "access_key", "aws_access_key_id", "aws_access_key", "secret_key", "aws_secret_access_key", "aws_secret_key",
        "session_token", "aws_session_token", "profile", "aws_profile", "endpoint_url", "aws_endpoint_url",
        "region", "aws_region", "aws_ca_bundle", "validate_certs", "aws_config", "debug_botocore_endpoint_logs",
        "assume_role_arn", "iam_role_arn",
    ]

    init(_ source: InventoryPluginSource, environment: AWSEnvironment) throws {
        let config = source.configuration
        for key in config.keys where !Self.known.contains(key) {
            throw Diagnostic.error(at: source.location(of: key), "'\(key)' is not an option of the aws_ec2 inventory plugin",
                                   notes: Suggestions.didYouMean(key, in: Self.known))
        }
        for (key, what) in [("use_ssm_inventory", "SSM inventory"), ("route53_enabled", "Route53 host names")]
        where config[key]?.isTruthy == true {
            throw Diagnostic.error(at: source.location(of: key), "play's aws_ec2 inventory does not fetch \(what) (\(key))",
                                   notes: ["remove '\(key)' or set it to false"])
        }
        for key in ["assume_role_arn", "iam_role_arn"] where config[key]?.isTruthy == true {
            throw Diagnostic.error(at: source.location(of: key), "play's aws_ec2 inventory does not assume roles (\(key))",
                                   notes: ["give the role's credentials through a profile with credential_process, or AWS_* variables"])
        }
        if let plugin = config["cache_plugin"]?.stringValue, config["cache"]?.isTruthy == true,
           !["memory", "ansible.builtin.memory"].contains(plugin) {
            throw Diagnostic.error(at: source.location(of: "cache_plugin"), "play's inventory cache is the in-memory one; '\(plugin)' is not supported",
                                   notes: ["a run of play reads the inventory once, so `cache: false` behaves the same"])
        }
        let templar = Templar()
        func templated(_ key: String) throws -> Value? {
            guard let raw = config[key], !raw.isNull else { return nil }
            do {
                return try templar.render(raw, OrderedDictionary<String, Value>())
            } catch {
                throw Diagnostic.error(at: source.location(of: key), "cannot template '\(key)': \(error.message)")
            }
        }
        func text(_ keys: [String], env: [String] = []) throws -> String? {
            for key in keys { if let v = try templated(key), !v.isNull, !v.renderedString.isEmpty { return v.renderedString } }
            for name in env { if let v = environment[name] { return v } }
            return nil
        }
        func list<T>(_ key: String, _ item: (Value) -> T?) throws -> [T] {
            guard let value = config[key], !value.isNull else { return [] }
            guard case .list(let items) = value else {
                throw Diagnostic.error(at: source.location(of: key), "'\(key)' must be a list")
            }
            return try items.map { v in
                guard let t = item(v) else { throw Diagnostic.error(at: source.location(of: key), "'\(key)' has an entry of the wrong type: \(v.renderedString)") }
                return t
            }
        }

        regions = try (templated("regions")?.listValue ?? []).map(\.renderedString)
        let filters = try templated("filters")?.dictValue ?? [:]
        includeFilters = try list("include_filters", \.dictValue)
        if !filters.isEmpty { includeFilters.insert(filters, at: 0) }
        if includeFilters.isEmpty { includeFilters = [[:]] }
        excludeFilters = try list("exclude_filters", \.dictValue)
        hostnamesLocation = source.location(of: "hostnames")
        hostnames = try list("hostnames") { v in
            switch v { case .string, .dict: return v; default: return nil }
        }
        allowDuplicatedHosts = config["allow_duplicated_hosts"]?.isTruthy ?? false
        strictPermissions = config["strict_permissions"]?.isTruthy ?? true
        contribSanitization = config["use_contrib_script_compatible_sanitization"]?.isTruthy ?? false
        hostVariables = AWSEC2HostVariables(prefix: config["hostvars_prefix"]?.stringValue,
                                            suffix: config["hostvars_suffix"]?.stringValue,
                                            contribTagKeys: config["use_contrib_script_compatible_ec2_tag_keys"]?.isTruthy ?? false)
        for key in ["compose", "groups"] where config[key].map({ !$0.isNull && $0.dictValue == nil }) ?? false {
            throw Diagnostic.error(at: source.location(of: key), "'\(key)' must be a dictionary")
        }
        if let keyed = config["keyed_groups"], !keyed.isNull, keyed.listValue == nil {
            throw Diagnostic.error(at: source.location(of: "keyed_groups"), "'keyed_groups' must be a list")
        }
        constructed = Constructed(source)

        settings.accessKeyID = try text(["access_key", "aws_access_key_id", "aws_access_key"])
        settings.secretAccessKey = try text(["secret_key", "aws_secret_access_key", "aws_secret_key"])
        // The plugin's older variable names, when the standard ones are not set.
        if settings.accessKeyID == nil, settings.secretAccessKey == nil, environment["AWS_ACCESS_KEY_ID"] == nil,
           let id = environment["AWS_ACCESS_KEY"], let secret = environment["AWS_SECRET_KEY"] {
            settings.accessKeyID = id
            settings.secretAccessKey = secret
        }
        settings.sessionToken = try text(["session_token", "aws_session_token"])
        settings.profile = try text(["profile", "aws_profile"])
        settings.endpointURL = try text(["endpoint_url", "aws_endpoint_url"], env: ["AWS_URL"])
        settings.region = try text(["region", "aws_region"]) ?? regions.first
    }
}
