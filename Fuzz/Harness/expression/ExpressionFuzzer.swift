import Foundation
import PlayFuzzTargets

/// libFuzzer's entry point (libFuzzer supplies main): one input to `FuzzTargets.expression`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTargets.expression(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
