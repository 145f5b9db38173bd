import OrderedCollections
import PlayAWS
import PlayBase

extension ECSTaskDefinition {
    /// The revision as the ECS modules report it: `{arn, family, revision, status, images, container_definitions}`.
    var resultValue: Value {
        .dict([
            "arn": .string(arn),
            "family": .string(family),
            "revision": .int(revision),
            "status": status.map(Value.string) ?? .null,
            "images": .list(images.map(Value.string)),
            "container_definitions": .list(containerDefinitions),
        ])
    }
}

extension AWSError {
    /// DescribeTaskDefinition answers a family or revision it does not know with `ClientException`
    /// (AWS and moto alike), not with a NotFound code.
    var isUnknownTaskDefinition: Bool {
        service == "ECS" && (isNotFound || code == "ClientException")
    }
}
