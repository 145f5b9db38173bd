import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayInventory
import PlayTemplating

/// `plugin: amazon.aws.aws_ec2`: EC2 instances as hosts, read from `*.aws_ec2.yml` files. Hosts
/// go in the group `aws_ec2`, named by `hostnames`, with the instance description as variables;
/// `compose`, `groups` and `keyed_groups` apply as in Ansible's constructed features. Instances
/// are those matching `filters` (and each `include_filters` entry) but no `exclude_filters`
/// entry, in every region of `regions` (all the account's regions when empty), sorted by id;
/// without an `instance-state-name` filter, terminated and shutting-down instances are left out.
public struct AWSEC2InventoryPlugin: InventoryPlugin {
    public let names = ["amazon.aws.aws_ec2", "aws_ec2"]
    public let fileNameHint = "NAME.aws_ec2.yml or NAME.aws_ec2.yaml"
    let environment: AWSEnvironment
    let transport: (any HTTPTransport)?

    /// `environment` is where credentials, region and endpoints come from when the file does not
    /// say; `transport` nil gives the session its own.
    public init(environment: AWSEnvironment = .process, transport: (any HTTPTransport)? = nil) {
        self.environment = environment
        self.transport = transport
    }

    public func accepts(path: String) -> Bool {
        path.hasSuffix("aws_ec2.yml") || path.hasSuffix("aws_ec2.yaml")
    }

    public func prepare(_ source: InventoryPluginSource) async throws -> any InventoryPopulator {
        let options = try AWSEC2InventoryOptions(source, environment: environment)
        let session: AWSSession
        do {
            session = try await AWSSession.make(settings: options.settings, environment: environment, transport: transport)
        } catch let error as AWSError where error.code == "NoRegion" {
            // As the plugin does: with no region anywhere, ask us-east-1 for the list of regions.
            var settings = options.settings
            settings.region = "us-east-1"
            session = try await AWSSession.make(settings: settings, environment: environment, transport: transport)
        }
        defer { session.shutdown() }
        let regions = options.regions.isEmpty ? try await session.ec2().describeRegionNames() : options.regions

        func instances(_ filterSet: OrderedDictionary<String, Value>) async throws -> [OrderedDictionary<String, Value>] {
            var filters = filterSet.map { EC2Filter($0.key, Self.filterValues($0.value)) }
            if !filters.contains(where: { $0.name == "instance-state-name" }) {
                filters.append(EC2Filter("instance-state-name", ["running", "pending", "stopping", "stopped"]))
            }
            // Regions are asked at once (the plugin asks one after another); results keep region order.
            let strictPermissions = options.strictPermissions
            let requestFilters = filters
            let perRegion = try await withThrowingTaskGroup(of: (Int, [OrderedDictionary<String, Value>]).self) { group in
                for (i, region) in regions.enumerated() {
                    group.addTask {
                        do {
                            return (i, try await session.ec2(region: region).describeInstanceDescriptions(filters: requestFilters))
                        } catch let error as AWSError where error.code == "UnauthorizedOperation" && !strictPermissions {
                            return (i, [])
                        }
                    }
                }
                var results = [[OrderedDictionary<String, Value>]](repeating: [], count: regions.count)
                for try await (i, found) in group { results[i] = found }
                return results
            }
            return perRegion.flatMap { $0 }
        }
        var ignored: Set<String> = []
        var selected: [OrderedDictionary<String, Value>] = []
        do {
            for filterSet in options.excludeFilters {
                for instance in try await instances(filterSet) { ignored.insert(instance["InstanceId"]?.stringValue ?? "") }
            }
            for filterSet in options.includeFilters {
                for instance in try await instances(filterSet) {
                    let id = instance["InstanceId"]?.stringValue ?? ""
                    if ignored.insert(id).inserted { selected.append(instance) }
                }
            }
        } catch {
            throw Diagnostic.error(at: source.location(of: "plugin"), "Failed to describe instances: \(error)",
                                   notes: ["the plugin file's credentials, region and endpoint, or the AWS_* variables, decide where play asks"])
        }
        selected.sort { ($0["InstanceId"]?.stringValue ?? "") < ($1["InstanceId"]?.stringValue ?? "") }
        return AWSEC2Populator(options: options, instances: selected)
    }

    /// Ansible's `ansible_dict_to_boto3_filter_list`: a list stays, a boolean is `true`/`false`,
    /// anything else its text.
    static func filterValues(_ value: Value) -> [String] {
        switch value {
        case .list(let items): return items.map(\.renderedString)
        case .bool(let b): return [b ? "true" : "false"]
        default: return [value.renderedString]
        }
    }
}

/// Adds the fetched instances: the `aws_ec2` group, one host per name, variables, constructed.
struct AWSEC2Populator: InventoryPopulator {
    let options: AWSEC2InventoryOptions
    let instances: [OrderedDictionary<String, Value>]

    func populate(_ builder: inout InventoryBuilder) throws {
        let sanitize: @Sendable (String) -> String = options.contribSanitization ? Self.contribGroupName : Constructed.safeGroupName
        var constructed = options.constructed
        constructed.sanitize = sanitize
        let hostnames = AWSEC2Hostnames(preferences: options.hostnames, location: options.hostnamesLocation, sanitize: sanitize)
        let group = builder.addGroup("aws_ec2")
        for instance in instances {
            let names = try hostnames.names(for: instance, all: options.allowDuplicatedHosts)
            guard !names.isEmpty else { continue }
            let variables = options.hostVariables.variables(for: instance)
            for name in names {
                builder.addHost(name, group: group)
                for (k, v) in variables { builder.setVariable(host: name, k, v) }
                try constructed.apply(host: name, variables: variables, to: &builder)
            }
        }
        try builder.addChild("all", group)
    }

    /// `use_contrib_script_compatible_sanitization`: anything but letters, digits, `_` and `-` becomes `_`.
    @Sendable static func contribGroupName(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { s in
            (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s))) || s == "_" || s == "-" ? s : "_"
        }))
    }
}
