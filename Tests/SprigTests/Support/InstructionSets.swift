@testable import Sprig

/// Runs `body` once per instruction set this CPU can execute, the sparse
/// kernels forced to it, and then restores the detected one.
func forEachInstructionSet(_ body: (InstructionSet) -> Void) {
  defer { SparseKernels.instructionSet = SparseKernels.detectedInstructionSet }
  for isa in InstructionSet.allCases {
    SparseKernels.instructionSet = isa
    guard SparseKernels.instructionSet == isa else { continue }  // the CPU lacks it
    body(isa)
  }
}
