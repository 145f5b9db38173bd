import Foundation
import PlayFuzzTargets

/// libFuzzer's entry point (libFuzzer supplies main): one input to `FuzzTargets.vault`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVault(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTargets.vault(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
