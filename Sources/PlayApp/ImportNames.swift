import OrderedCollections
import PlayBase
import PlayLanguage
import PlayTemplating

/// Templated import names rendered by the evaluator, for the parser (which knows no templating).
struct ImportNames: ImportNameTemplating {
    let templar = Templar()

    func render(_ text: String, variables: OrderedDictionary<String, Value>) -> Result<String, ImportNameError> {
        do { return .success(try templar.renderString(text, variables).renderedString) } catch {
            return .failure(ImportNameError(error.message))
        }
    }
}
