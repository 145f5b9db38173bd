import Foundation
import PlayFuzzTargets

/// libFuzzer's entry point (libFuzzer supplies main): one input to `FuzzTargets.ini`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTargets.ini(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
