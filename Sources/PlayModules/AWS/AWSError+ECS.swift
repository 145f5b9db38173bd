import PlayAWS

extension AWSError {
    /// DescribeTaskDefinition answers a family or revision it does not know with `ClientException`
    /// (AWS and moto alike), not with a NotFound code.
    var isUnknownTaskDefinition: Bool {
        service == "ECS" && (isNotFound || code == "ClientException")
    }
}
