import XCTest

@testable import Sprig

/// An SReLU whose units take all three branches on inputs in −1…1, a few
/// of them with tʳ below tˡ (the right branch wins).
func randomSReLUShape(units: Int, seed: UInt64) -> SReLUShape {
  var g = SeededGenerator(seed: seed)
  func values(_ range: ClosedRange<Float>) -> [Float] {
    (0..<units).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * g.nextUnitFloat() }
  }
  var tl = values(-0.6...0), tr = values(0.1...0.8)
  for i in stride(from: 0, to: units, by: 7) { (tl[i], tr[i]) = (0.3, -0.2) }
  return SReLUShape(leftThreshold: tl, leftSlope: values(0...0.3), rightThreshold: tr, rightSlope: values(0.4...1.6))
}

/// The SpMM applying an SReLU and dropout to each finished row gives the
/// bits of the product followed by the separate passes, on every code path.
final class ActivationEpilogueTests: XCTestCase {
  let shapes = kernelTestShapes
  let batches = kernelTestBatches
  let masks: [DropoutMask?] = [nil, DropoutMask(seed: 0x1234_5678_9abc_def0, keep: 0.7)]

  func testDropoutBackwardUsesTheForwardsDecisions() {
    let mask = DropoutMask(seed: 99, keep: 0.6)
    let x = randomMatrix(rows: 13, columns: 29, in: 1...2, seed: 1), y = Matrix(rows: 13, columns: 29)
    ElementwiseKernels.dropout(x, into: y, mask: mask)
    let ones = Matrix(rows: 13, columns: 29), dX = Matrix(rows: 13, columns: 29)
    for i in ones.elements.indices { ones.elements[i] = 1 }
    ElementwiseKernels.dropoutBackward(ones, into: dX, mask: mask)
    for i in x.elements.indices { XCTAssertEqual(dX.elements[i], y.elements[i] / x.elements[i], accuracy: 1e-6) }
    XCTAssert(dX.elements.contains(0) && dX.elements.contains { $0 > 1 })
  }

  func testSReLUAndDropoutForwardIsTheProductThenTheSReLUThenTheDropoutOnEveryCodePath() {
    forEachInstructionSet { isa in
      for (s, shape) in shapes.enumerated() {
        let w = randomCSR(rows: shape.rows, columns: shape.columns, density: 0.3, seed: UInt64(s) + 40)
        let bias = Array(randomMatrix(rows: shape.rows, columns: 1, seed: UInt64(s) + 41).elements)
        let srelu = randomSReLUShape(units: shape.rows, seed: UInt64(s) + 42)
        for batch in batches {
          let x = randomMatrix(rows: shape.columns, columns: batch, seed: UInt64(batch) + 43)
          let z = Matrix(rows: 0, columns: 0)
          SparseKernels.multiply(w.pattern, values: w.values, bias: bias, x, into: z)
          let activated = Matrix(rows: shape.rows, columns: batch), dropped = Matrix(rows: shape.rows, columns: batch)
          ElementwiseKernels.sreluForward(
            z, into: activated, leftThreshold: srelu.leftThreshold, leftSlope: srelu.leftSlope,
            rightThreshold: srelu.rightThreshold, rightSlope: srelu.rightSlope)
          for mask in masks {
            if let mask { ElementwiseKernels.dropout(activated, into: dropped, mask: mask) }
            let fusedZ = Matrix(rows: 0, columns: 0), fused = Matrix(rows: 0, columns: 0)
            SparseKernels.multiply(
              w.pattern, values: w.values, bias: bias, x, into: fusedZ, activating: fused, srelu: srelu, dropout: mask)
            let context = "\(isa) \(shape) batch \(batch) dropout \(mask != nil)"
            XCTAssertEqual(fusedZ, z, context)
            XCTAssertEqual(fused, mask == nil ? activated : dropped, context)
          }
        }
      }
    }
  }

  func testBackwardThroughDropoutAndSReLUIsTheProductThenTheirBackwardsWithRowSumsOnEveryCodePath() {
    forEachTransposedKernelCase(seed: 50) { context, w, t, source, batch in
      let srelu = randomSReLUShape(units: w.columns, seed: UInt64(w.columns) + 51)
      let dY = randomMatrix(rows: w.rows, columns: batch, seed: UInt64(batch) + 52)
      let z = randomMatrix(rows: w.columns, columns: batch, seed: UInt64(batch) + 53)  // the SReLU's input
      let product = Matrix(rows: 0, columns: 0)
      SparseKernels.multiply(t, values: w.values, valuePositions: source, dY, into: product)
      for mask in masks {
        let dropped = Matrix(rows: w.columns, columns: batch), expected = Matrix(rows: w.columns, columns: batch)
        if let mask {
          ElementwiseKernels.dropout(z, into: dropped, mask: mask)  // the forward draws the decisions
          ElementwiseKernels.dropoutBackward(product, into: dropped, mask: mask)
        }
        var expectedSums: [Float] = []
        ElementwiseKernels.sreluBackward(
          x: z, dY: mask == nil ? product : dropped, into: expected, leftThreshold: srelu.leftThreshold,
          leftSlope: srelu.leftSlope, rightThreshold: srelu.rightThreshold, rightSlope: srelu.rightSlope,
          sums: &expectedSums)
        var expectedRowSums = [Float](repeating: 0, count: w.columns)
        SparseKernels.rowSums(expected, into: &expectedRowSums)

        let fused = Matrix(rows: 0, columns: 0)
        var sums: [Float] = [], rowSums = [Float](repeating: .nan, count: w.columns)
        SparseKernels.multiply(
          t, values: w.values, valuePositions: source, dY, into: fused, throughDropout: mask, srelu: srelu, input: z,
          sums: &sums, rowSums: &rowSums)
        let caseName = "\(context) dropout \(mask != nil)"
        XCTAssertEqual(fused, expected, caseName)
        XCTAssertEqual(sums, expectedSums, caseName)
        XCTAssertEqual(rowSums, expectedRowSums, caseName)
      }
    }
  }
}
