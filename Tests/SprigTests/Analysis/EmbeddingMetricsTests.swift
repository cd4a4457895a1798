import XCTest
@testable import Sprig

/// Recall@1 and k-NN accuracy on points whose answers are known.
final class EmbeddingMetricsTests: XCTestCase {
  private func points(_ xy: [(Float, Float)]) -> Matrix {
    Matrix(rows: 2, columns: xy.count, elements: xy.map(\.0) + xy.map(\.1))
  }

  func testWellSeparatedClustersHaveRecallOne() {
    let e = points([(0, 0), (0.1, 0), (10, 10), (10, 10.1), (-10, 5), (-10.1, 5)])
    XCTAssertEqual(EmbeddingMetrics.recallAtOne(embeddings: e, labels: [0, 0, 1, 1, 2, 2]), 1)
  }

  func testRecallCountsSamplesWhoseNearestOtherSampleSharesTheirLabel() {
    // On a line 0, 1, 3, 4 labelled a, b, b, a: 0's nearest is 1 (b ≠ a),
    // 1's is 0 (wrong), 3's is 4 (wrong), 4's is 3 (wrong)… and 1 ↔ 3? no: 1's nearest is 0.
    let e = Matrix(rows: 1, columns: 5, elements: [0, 1, 3, 4, 3.2])
    // 0→1 (b≠a ✗), 1→0 (✗), 3→3.2 (b=b ✓), 4→3.2 (b≠a ✗), 3.2→3 (✓).
    XCTAssertEqual(EmbeddingMetrics.recallAtOne(embeddings: e, labels: [0, 1, 1, 0, 1]), 0.4, accuracy: 1e-12)
  }

  func testKNearestNeighboursVoteTheirMajorityLabel() {
    let reference = Matrix(rows: 1, columns: 5, elements: [0, 1, 2, 10, 11])
    let labels: [Int32] = [0, 1, 1, 2, 2]
    let query = Matrix(rows: 1, columns: 2, elements: [0.2, 10.4])
    // k = 1: 0.2 → 0 (label 0); k = 3: 0.2 → {0, 1, 2} → label 1 wins 2:1.
    XCTAssertEqual(EmbeddingMetrics.nearestNeighbourAccuracy(reference: reference, referenceLabels: labels, query: query, queryLabels: [0, 2], k: 1), 1)
    XCTAssertEqual(EmbeddingMetrics.nearestNeighbourAccuracy(reference: reference, referenceLabels: labels, query: query, queryLabels: [1, 2], k: 3), 1)
    XCTAssertEqual(EmbeddingMetrics.nearestNeighbourAccuracy(reference: reference, referenceLabels: labels, query: query, queryLabels: [0, 2], k: 3), 0.5)
  }

  func testBlocksGiveTheSameAnswerAsBruteForce() {
    let reference = randomMatrix(rows: 5, columns: 200, seed: 1), query = randomMatrix(rows: 5, columns: 300, seed: 2)
    var rng = SeededGenerator(seed: 3)
    let rl = (0..<200).map { _ in Int32(rng.nextInt(below: 4)) }, ql = (0..<300).map { _ in Int32(rng.nextInt(below: 4)) }
    var correct = 0
    for q in 0..<300 {
      var best = (Float.infinity, Int32(-1))
      for r in 0..<200 {
        let d = (0..<5).reduce(Float(0)) { $0 + pow(query[$1, q] - reference[$1, r], 2) }
        if d < best.0 { best = (d, rl[r]) }
      }
      if best.1 == ql[q] { correct += 1 }
    }
    let blocked = EmbeddingMetrics.nearestNeighbourAccuracy(
      reference: reference, referenceLabels: rl, query: query, queryLabels: ql, k: 1, blockSize: 64)
    XCTAssertEqual(blocked, Double(correct) / 300, accuracy: 1e-12)
  }
}
