import Foundation
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// The `filters` argument of the amazon.aws modules: `{name: value-or-list}` as EC2 filters,
/// booleans written as EC2 expects them (`true`, not `True`).
enum EC2Filters {
    static func given(_ value: Value?) -> [EC2Filter] {
        guard let dict = value?.dictValue else { return [] }
        return dict.map { name, value in EC2Filter(name, ValueCoercion.list(value).map(text)) }
    }

    static func text(_ value: Value) -> String {
        if case .bool(let flag) = value { return flag ? "true" : "false" }
        return value.renderedString
    }
}
