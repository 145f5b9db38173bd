import Foundation
import PlayFuzzTargets

/// libFuzzer's entry point (libFuzzer supplies main): one input to `FuzzTargets.yaml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTargets.yaml(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
