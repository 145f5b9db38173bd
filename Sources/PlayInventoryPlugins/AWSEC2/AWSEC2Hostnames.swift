import OrderedCollections
import PlayBase
import PlayTemplating

/// How amazon.aws.aws_ec2 names a host from its `hostnames` list: the first preference that gives
/// a value (or, with `allow_duplicated_hosts`, every one). A preference is a describe-instances
/// filter name (`dns-name`, `private-ip-address`, `instance-id`, `tag:Name`, `tag:Role=web`...),
/// optionally followed by `| jinja filters`, any other text standing for itself, or a dict
/// `{name:, prefix:, separator:}`. Names with `:` are sanitised as group names.
struct AWSEC2Hostnames {
    var preferences: [Value]
    /// Where `hostnames` sits in the plugin file, for errors.
    var location: SourceLocation?
    var sanitize: @Sendable (String) -> String
    let templar = Templar()

    static let defaultPreferences: [Value] = [.string("dns-name"), .string("private-dns-name")]

    /// The boto3 keys a filter name reads, as the plugin maps them.
    static let attributes: [String: [String]] = [
        "group-id": ["Groups", "GroupId"], "group-name": ["Groups", "GroupName"],
        "network-interface.attachment.instance-owner-id": ["OwnerId"], "owner-id": ["OwnerId"],
        "requester-id": ["RequesterId"], "reservation-id": ["ReservationId"],
        "affinity": ["Placement", "Affinity"], "architecture": ["Architecture"],
        "availability-zone": ["Placement", "AvailabilityZone"],
        "block-device-mapping.attach-time": ["BlockDeviceMappings", "Ebs", "AttachTime"],
        "block-device-mapping.delete-on-termination": ["BlockDeviceMappings", "Ebs", "DeleteOnTermination"],
        "block-device-mapping.device-name": ["BlockDeviceMappings", "DeviceName"],
        "block-device-mapping.status": ["BlockDeviceMappings", "Ebs", "Status"],
        "block-device-mapping.volume-id": ["BlockDeviceMappings", "Ebs", "VolumeId"],
        "client-token": ["ClientToken"], "dns-name": ["PublicDnsName"], "host-id": ["Placement", "HostId"],
        "hypervisor": ["Hypervisor"], "iam-instance-profile.arn": ["IamInstanceProfile", "Arn"],
        "image-id": ["ImageId"], "instance-id": ["InstanceId"], "instance-lifecycle": ["InstanceLifecycle"],
        "instance-state-code": ["State", "Code"], "instance-state-name": ["State", "Name"],
        "instance-type": ["InstanceType"], "instance.group-id": ["SecurityGroups", "GroupId"],
        "instance.group-name": ["SecurityGroups", "GroupName"], "ip-address": ["PublicIpAddress"],
        "kernel-id": ["KernelId"], "key-name": ["KeyName"], "launch-index": ["AmiLaunchIndex"],
        "launch-time": ["LaunchTime"], "monitoring-state": ["Monitoring", "State"],
        "network-interface.addresses.private-ip-address": ["NetworkInterfaces", "PrivateIpAddress"],
        "network-interface.addresses.primary": ["NetworkInterfaces", "PrivateIpAddresses", "Primary"],
        "network-interface.addresses.association.public-ip": ["NetworkInterfaces", "PrivateIpAddresses", "Association", "PublicIp"],
        "network-interface.addresses.association.ip-owner-id": ["NetworkInterfaces", "PrivateIpAddresses", "Association", "IpOwnerId"],
        "network-interface.association.public-ip": ["NetworkInterfaces", "Association", "PublicIp"],
        "network-interface.association.ip-owner-id": ["NetworkInterfaces", "Association", "IpOwnerId"],
        "network-interface.association.allocation-id": ["ElasticGpuAssociations", "ElasticGpuId"],
        "network-interface.association.association-id": ["ElasticGpuAssociations", "ElasticGpuAssociationId"],
        "network-interface.attachment.attachment-id": ["NetworkInterfaces", "Attachment", "AttachmentId"],
        "network-interface.attachment.instance-id": ["InstanceId"],
        "network-interface.attachment.device-index": ["NetworkInterfaces", "Attachment", "DeviceIndex"],
        "network-interface.attachment.status": ["NetworkInterfaces", "Attachment", "Status"],
        "network-interface.attachment.attach-time": ["NetworkInterfaces", "Attachment", "AttachTime"],
        "network-interface.attachment.delete-on-termination": ["NetworkInterfaces", "Attachment", "DeleteOnTermination"],
        "network-interface.availability-zone": ["Placement", "AvailabilityZone"],
        "network-interface.description": ["NetworkInterfaces", "Description"],
        "network-interface.group-id": ["NetworkInterfaces", "Groups", "GroupId"],
        "network-interface.group-name": ["NetworkInterfaces", "Groups", "GroupName"],
        "network-interface.ipv6-addresses.ipv6-address": ["NetworkInterfaces", "Ipv6Addresses", "Ipv6Address"],
        "network-interface.mac-address": ["NetworkInterfaces", "MacAddress"],
        "network-interface.network-interface-id": ["NetworkInterfaces", "NetworkInterfaceId"],
        "network-interface.owner-id": ["NetworkInterfaces", "OwnerId"],
        "network-interface.private-dns-name": ["NetworkInterfaces", "PrivateDnsName"],
        "network-interface.requester-managed": ["NetworkInterfaces", "Association", "IpOwnerId"],
        "network-interface.status": ["NetworkInterfaces", "Status"],
        "network-interface.source-dest-check": ["NetworkInterfaces", "SourceDestCheck"],
        "network-interface.subnet-id": ["NetworkInterfaces", "SubnetId"],
        "network-interface.vpc-id": ["NetworkInterfaces", "VpcId"],
        "placement-group-name": ["Placement", "GroupName"], "platform": ["Platform"],
        "private-dns-name": ["PrivateDnsName"], "private-ip-address": ["PrivateIpAddress"],
        "product-code": ["ProductCodes", "ProductCodeId"], "product-code.type": ["ProductCodes", "ProductCodeType"],
        "ramdisk-id": ["RamdiskId"], "reason": ["StateTransitionReason"], "root-device-name": ["RootDeviceName"],
        "root-device-type": ["RootDeviceType"], "source-dest-check": ["SourceDestCheck"],
        "spot-instance-request-id": ["SpotInstanceRequestId"], "state-reason-code": ["StateReason", "Code"],
        "state-reason-message": ["StateReason", "Message"], "subnet-id": ["SubnetId"], "tag": ["Tags"],
        "tag-key": ["Tags"], "tag-value": ["Tags"], "tenancy": ["Placement", "Tenancy"],
        "virtualization-type": ["VirtualizationType"], "vpc-id": ["VpcId"],
    ]

    /// The names for one instance: the first that gives a value, or all of them when `all`.
    func names(for instance: OrderedDictionary<String, Value>, all: Bool) throws -> [String] {
        let list = preferences.isEmpty ? Self.defaultPreferences : preferences
        if all { return try allNames(instance, list) }
        return try preferred(instance, list).map { [$0] } ?? []
    }

    private func preferred(_ instance: OrderedDictionary<String, Value>, _ list: [Value]) throws -> String? {
        var hostname: Value = .null
        for preference in list {
            if case .dict(let d) = preference {
                guard let name = d["name"] else { throw Diagnostic.error(at: location, "A 'name' key must be defined in a hostnames dictionary.") }
                let main = try preferred(instance, [name])
                let prefix = try d["prefix"].map { try preferred(instance, [$0]) } ?? nil
                let separator = d["separator"]?.renderedString ?? "_"
                hostname = main.map(Value.string) ?? .null
                if let main, let prefix, !main.isEmpty, !prefix.isEmpty { hostname = .string(prefix + separator + main) }
            } else {
                hostname = try value(instance, preference.renderedString)
                if case .list(let l) = hostname { hostname = l.first ?? .null }
            }
            if hostname.isTruthy { break }
        }
        return hostname.isTruthy ? sanitized(hostname.renderedString) : nil
    }

    private func allNames(_ instance: OrderedDictionary<String, Value>, _ list: [Value]) throws -> [String] {
        var names: [String] = []
        for preference in list {
            var hostname: Value
            if case .dict(let d) = preference {
                guard let name = d["name"] else { throw Diagnostic.error(at: location, "A 'name' key must be defined in a hostnames dictionary.") }
                let main = try allNames(instance, [name])
                let prefix = try d["prefix"].map { try allNames(instance, [$0]) } ?? []
                let separator = d["separator"]?.renderedString ?? "_"
                hostname = .list(main.map(Value.string))
                if let m = main.first, let p = prefix.first { hostname = .string(p + separator + m) }
            } else {
                hostname = try value(instance, preference.renderedString)
            }
            guard hostname.isTruthy else { continue }
            switch hostname {
            case .list(let l): names += l.map { sanitized($0.renderedString) }
            case .string(let s): names.append(sanitized(s))
            default: break
            }
        }
        return names
    }

    private func sanitized(_ name: String) -> String { name.contains(":") ? sanitize(name) : name }

    /// One preference's value: a tag lookup, a filter's attribute, or the text itself; then the
    /// Jinja filters after `|`, if any.
    private func value(_ instance: OrderedDictionary<String, Value>, _ text: String) throws -> Value {
        var preference = text
        var filter: String?
        if let bar = text.firstIndex(of: "|") {
            preference = String(text[..<bar]).replacingTrailingWhitespace()
            filter = String(text[text.index(after: bar)...])
        }
        var result: Value
        if preference.hasPrefix("tag:") {
            result = Self.tagHostname(String(preference.dropFirst(4)), AWSEC2HostVariables.tagDictionary(instance["Tags"]))
        } else if let chain = Self.attributes[preference] {
            var current: Value? = .dict(instance)
            for key in chain { current = Self.compile(current, key) }
            result = current ?? .null
        } else {
            result = .string(preference)
        }
        guard let filter else { return result }
        let template = result.listValue != nil
            ? "{{\(result.renderedString)|\(filter)}}"
            : "{{'\(result.renderedString)'|\(filter)}}"
        do {
            return try templar.renderString(template, PluginVariables(values: [:]))
        } catch {
            throw Diagnostic.error(at: location, "the hostnames entry '\(text)' failed: \(error.message)")
        }
    }

    /// `tag:Name` gives the tag's value; `tag:Name=web` gives `Name_web` when it matches; several
    /// comma-separated give a list of those that match.
    static func tagHostname(_ spec: String, _ tags: OrderedDictionary<String, Value>) -> Value {
        let parts = spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var values: [Value] = []
        for part in parts {
            if let eq = part.firstIndex(of: "=") {
                let name = String(part[..<eq]), expected = String(part[part.index(after: eq)...])
                if tags[name]?.stringValue == expected { values.append(.string(name + "_" + expected)) }
            } else if let v = tags[part], v.isTruthy {
                values.append(.string(v.renderedString))
            }
        }
        if parts.count == 1 { return values.first ?? .list([]) }
        return .list(values)
    }

    /// The plugin's `_compile_values`: a key of a dict, or of each dict in a list (keeping the
    /// truthy results); a one-item list collapses to its item.
    static func compile(_ object: Value?, _ key: String) -> Value? {
        guard let object else { return nil }
        var found: Value?
        switch object {
        case .list(let items): found = .list(items.compactMap { compile($0, key) }.filter(\.isTruthy))
        case .dict(let d): found = d[key]
        default: found = nil
        }
        if case .list(let l)? = found, l.count == 1 { return l[0] }
        return found
    }
}

private extension String {
    func replacingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
