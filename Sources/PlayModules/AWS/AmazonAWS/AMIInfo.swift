import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// An image as `ec2_ami` reports it (the collection's `get_ami_info`: its own key names, e.g.
/// `creationDate`, `ownerId`, `block_device_mapping` keyed by device), read with DescribeImages
/// and the image's launch permissions and product codes.
enum AMIInfo {
    static func image(_ ec2: EC2Client, _ id: String) async throws -> XMLTree? {
        var request = EC2Request("DescribeImages")
        request.list("ImageId", [id])
        do {
            let images = try await ec2.describeItems(request, set: "imagesSet")
            if images.count > 1 { throw AWSModuleError("Invalid number of instances (\(images.count)) found for image_id: \(id).") }
            return images.first
        } catch let error as AWSError where error.code == "InvalidAMIID.NotFound" || error.code == "InvalidAMIID.Unavailable" {
            return nil
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "Error retrieving image by image_id")
        }
    }

    /// The `<item>`s of one DescribeImageAttribute answer.
    static func attribute(_ ec2: EC2Client, _ id: String, _ name: String) async throws -> [XMLTree] {
        var request = EC2Request("DescribeImageAttribute")
        request.set("ImageId", id)
        request.set("Attribute", name)
        return try await AWSModuleError.wrapping("Error retrieving image attributes for image \(id)") { try await ec2.send(request) }
            .list(name, item: "item")
    }

    static func info(_ ec2: EC2Client, _ image: XMLTree) async throws -> OrderedDictionary<String, Value> {
        let id = image.string("imageId") ?? ""
        let permissions = try await attribute(ec2, id, "launchPermission").map { Value.dict(EC2ResultShape.dict($0)) }
        let codes = try await attribute(ec2, id, "productCodes").map { item -> Value in
            .dict(["product_code_id": .string(item.string("productCode") ?? ""), "product_code_type": .string(item.string("type") ?? "")])
        }
        func text(_ name: String) -> Value { image.string(name).map(Value.string) ?? .null }
        func flag(_ name: String) -> Value { image[name].map { .bool($0.text == "true") } ?? .null }
        var devices = OrderedDictionary<String, Value>()
        for mapping in image.list("blockDeviceMapping", item: "item") {
            let name = mapping.string("deviceName") ?? ""
            if let ebs = mapping["ebs"] {
                devices[name] = .dict(["size": ebs.int("volumeSize").map(Value.int) ?? .null, "snapshot_id": ebs.string("snapshotId").map(Value.string) ?? .null,
                                       "volume_type": ebs.string("volumeType").map(Value.string) ?? .null,
                                       "encrypted": ebs["encrypted"].map { .bool($0.text == "true") } ?? .null,
                                       "delete_on_termination": ebs["deleteOnTermination"].map { .bool($0.text == "true") } ?? .null])
            } else if let virtual = mapping.string("virtualName") {
                devices[name] = .dict(["virtual_name": .string(virtual)])
            }
        }
        return [
            "image_id": text("imageId"), "state": text("imageState"), "architecture": text("architecture"),
            "block_device_mapping": .dict(devices), "creationDate": text("creationDate"), "description": text("description"),
            "hypervisor": text("hypervisor"), "is_public": flag("isPublic"), "location": text("imageLocation"),
            "ownerId": text("imageOwnerId"), "root_device_name": text("rootDeviceName"), "root_device_type": text("rootDeviceType"),
            "virtualization_type": text("virtualizationType"), "name": text("name"),
            "tags": ResourceTags.value(image.tags("tagSet", item: "item")), "platform": text("platform"),
            "enhanced_networking": flag("enaSupport"), "image_owner_alias": text("imageOwnerAlias"), "image_type": text("imageType"),
            "kernel_id": text("kernelId"), "product_codes": .list(codes), "ramdisk_id": text("ramdiskId"),
            "sriov_net_support": text("sriovNetSupport"), "state_reason": image["stateReason"].map { .dict(EC2ResultShape.dict($0)) } ?? .null,
            "launch_permissions": .list(permissions),
        ]
    }
}
