import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

extension EC2Instance {
    /// The instance as the modules report it: `{id, private_ip, public_ip, state, image_id, tags, ...}`.
    var resultValue: Value {
        var tagValues = OrderedDictionary<String, Value>()
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) { tagValues[key] = .string(value) }
        return .dict([
            "id": .string(instanceID),
            "private_ip": privateIPAddress.map(Value.string) ?? .null,
            "public_ip": publicIPAddress.map(Value.string) ?? .null,
            "state": .string(state.name),
            "image_id": .string(imageID),
            "tags": .dict(tagValues),
            "instance_type": .string(instanceType),
            "subnet_id": subnetID.map(Value.string) ?? .null,
            "availability_zone": availabilityZone.map(Value.string) ?? .null,
            "launch_time": launchTime.map { .string(Self.timestamp($0)) } ?? .null,
        ])
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Launch order (time, then index in the launch, then id): stable across calls.
    static func launchOrder(_ a: EC2Instance, _ b: EC2Instance) -> Bool {
        let ta = a.launchTime ?? .distantPast, tb = b.launchTime ?? .distantPast
        if ta != tb { return ta < tb }
        if (a.amiLaunchIndex ?? 0) != (b.amiLaunchIndex ?? 0) { return (a.amiLaunchIndex ?? 0) < (b.amiLaunchIndex ?? 0) }
        return a.instanceID < b.instanceID
    }
}

extension Array where Element == EC2Instance {
    /// `instances` and `instance_ids` result keys, in launch order.
    var resultEntries: OrderedDictionary<String, Value> {
        let sorted = self.sorted(by: EC2Instance.launchOrder)
        return ["instances": .list(sorted.map(\.resultValue)), "instance_ids": .list(sorted.map { .string($0.instanceID) })]
    }
}
