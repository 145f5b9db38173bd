import OrderedCollections
import PlayBase

extension EC2Client {
    /// Every instance matching all `filters`, across pages, each as the dictionary boto3 gives
    /// (CamelCase members, typed values) with its reservation's `OwnerId`, `RequesterId` (empty
    /// when absent) and `ReservationId` added, as the amazon.aws.aws_ec2 inventory reads them.
    public func describeInstanceDescriptions(filters: [EC2Filter] = []) async throws -> [OrderedDictionary<String, Value>] {
        var p = parameters("DescribeInstances")
        p.filters(filters)
        let decoder = QueryShapeDecoder(structures: Self.describeInstancesShapes)
        return try await paginate(p) { root in
            root.list("reservationSet", item: "item").flatMap { reservation in
                let details: OrderedDictionary<String, Value> = [
                    "OwnerId": .string(reservation.string("ownerId") ?? ""),
                    "RequesterId": .string(reservation.string("requesterId") ?? ""),
                    "ReservationId": .string(reservation.string("reservationId") ?? ""),
                ]
                return reservation.list("instancesSet", item: "item").map { item in
                    var instance = decoder.decodeStructure(item, "Instance")
                    for (key, value) in details { instance[key] = value }
                    return instance
                }
            }
        }
    }

    /// The names of the regions enabled for the account (DescribeRegions).
    public func describeRegionNames() async throws -> [String] {
        let root = try await call(parameters("DescribeRegions"))
        return root.list("regionInfo", item: "item").compactMap { $0.nonEmpty("regionName") }
    }
}
