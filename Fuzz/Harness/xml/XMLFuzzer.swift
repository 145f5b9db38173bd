import Foundation
import PlayFuzzTargets

/// libFuzzer's entry point (libFuzzer supplies main): one input to `FuzzTargets.xml`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTargets.xml(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
