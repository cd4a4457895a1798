// FuzzerDriver: hands control to libFuzzer from a harness's top-level code.
import Foundation

/// One fuzz input: libFuzzer's `LLVMFuzzerTestOneInput` signature.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ target: FuzzTarget
) -> CInt

/// Runs libFuzzer on `target` with the process's arguments, then exits with its status.
///
/// SwiftPM links an executable's `main` to the Swift module's own entry
/// point, so libFuzzer's `main` is never pulled in; its documented
/// alternative, `LLVMFuzzerRunDriver`, is called from Swift instead.
public func runFuzzer(_ target: FuzzTarget) -> Never {
  var argc = CommandLine.argc
  var argv = CommandLine.unsafeArgv
  exit(LLVMFuzzerRunDriver(&argc, &argv, target))
}
