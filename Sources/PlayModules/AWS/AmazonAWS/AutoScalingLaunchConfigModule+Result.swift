import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// The collection's result for a launch configuration: AWS's description when it was just made,
/// otherwise the requested settings (with `arn: null` and `created_time: "None"`, as it reports them).
extension AutoScalingLaunchConfigModule {
    static func result(described: XMLTree?, wanted: OrderedDictionary<String, Value>, monitoring: Bool,
                       volumes: [OrderedDictionary<String, Value>], hideUserData: Bool, userData: String?) -> OrderedDictionary<String, Value> {
        var result = OrderedDictionary<String, Value>()
        var mappings: [Value] = []
        if let described {
            let skipped: Set<String> = ["CreatedTime", "InstanceMonitoring", "BlockDeviceMappings"]
            for child in described.children where !skipped.contains(child.name) {
                result[QueryResultShape.key(child.name)] = AutoScalingGroups.shape.value(child)
            }
            result["created_time"] = .string(described.nonEmpty("CreatedTime").map(pythonTime) ?? "None")
            result["instance_monitoring"] = .bool(described.bool("InstanceMonitoring", "Enabled") ?? false)
            mappings = described.list("BlockDeviceMappings", item: "member").map { mapping in
                var out: OrderedDictionary<String, Value> = [
                    "device_name": mapping.nonEmpty("DeviceName").map(Value.string) ?? .null,
                    "virtual_name": mapping.nonEmpty("VirtualName").map(Value.string) ?? .null,
                ]
                if let ebs = mapping.child("Ebs") {
                    out["ebs"] = .dict(["snapshot_id": ebs.nonEmpty("SnapshotId").map(Value.string) ?? .null,
                                        "volume_size": ebs.int("VolumeSize").map(Value.int) ?? .null])
                }
                return .dict(out)
            }
        } else {
            for (key, value) in wanted { result[QueryResultShape.key(key)] = value }
            if let userData { result["user_data"] = .string(userData) }
            result["created_time"] = "None"
            result["instance_monitoring"] = .bool(monitoring)
            mappings = volumes.map { mapping in
                var out: OrderedDictionary<String, Value> = ["device_name": mapping["DeviceName"] ?? .null,
                                                             "virtual_name": mapping["VirtualName"] ?? .null]
                if let ebs = mapping["Ebs"] {
                    out["ebs"] = .dict(["snapshot_id": ebs["SnapshotId"] ?? .null, "volume_size": ebs["VolumeSize"] ?? .null])
                }
                return .dict(out)
            }
        }
        result["block_device_mappings"] = .list(mappings)
        if hideUserData { result["user_data"] = "hidden" }
        return [
            "name": result["launch_configuration_name"] ?? .null,
            "created_time": result["created_time"] ?? .null,
            "image_id": result["image_id"] ?? .null,
            "arn": result["launch_configuration_arn"] ?? .null,
            "security_groups": result["security_groups"] ?? .null,
            "instance_type": result["instance_type"] ?? .null,
            "result": .dict(result),
        ]
    }

    /// A time as Python's `str(datetime)` writes it: `2026-12-07 19:59:24.433546+00:00`.
    static func pythonTime(_ text: String) -> String {
        EC2ResultShape.isoTime(text).replacingOccurrences(of: "T", with: " ")
    }
}
