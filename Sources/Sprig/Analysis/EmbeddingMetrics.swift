// EmbeddingMetrics: how well an embedding puts samples of a class together.
import CBLAS

/// Retrieval figures of an embedding, in blocks of queries so that 10,000
/// queries against 60,000 references never hold the whole distance matrix.
public enum EmbeddingMetrics {
  /// Leave-one-out: the fraction of samples whose nearest other sample
  /// (Euclidean) has the same label.
  public static func recallAtOne(embeddings: Matrix, labels: [Int32]) -> Double {
    nearestNeighbourAccuracy(reference: embeddings, referenceLabels: labels, query: embeddings, queryLabels: labels, k: 1, excludingSelf: true)
  }

  /// The fraction of queries whose k nearest references vote their label
  /// (the majority; a tie goes to the label of the nearest among the tied).
  public static func nearestNeighbourAccuracy(
    reference: Matrix, referenceLabels: [Int32], query: Matrix, queryLabels: [Int32], k: Int, blockSize: Int = 256
  ) -> Double {
    nearestNeighbourAccuracy(
      reference: reference, referenceLabels: referenceLabels, query: query, queryLabels: queryLabels, k: k, excludingSelf: false,
      blockSize: blockSize)
  }

  static func nearestNeighbourAccuracy(
    reference: Matrix, referenceLabels: [Int32], query: Matrix, queryLabels: [Int32], k: Int, excludingSelf: Bool,
    blockSize: Int = 256
  ) -> Double {
    let (d, r, q) = (reference.rows, reference.columns, query.columns)
    precondition(query.rows == d && referenceLabels.count == r && queryLabels.count == q && k >= 1, "EmbeddingMetrics: shapes")
    guard q > 0, r > (excludingSelf ? 1 : 0) else { return 0 }
    // Column-major copies (one sample per row) for sgemm and norms.
    let refRows = transposed(reference), queryRows = transposed(query)
    let refNorms = (0..<r).map { j in (0..<d).reduce(Float(0)) { $0 + refRows[j * d + $1] * refRows[j * d + $1] } }
    var correct = 0
    var products = [Float](repeating: 0, count: blockSize * r)
    for start in stride(from: 0, to: q, by: blockSize) {
      let rows = min(blockSize, q - start)
      queryRows.withUnsafeBufferPointer { qp in
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(r), Int32(d), 1, qp.baseAddress! + start * d, Int32(d), refRows,
          Int32(d), 0, &products, Int32(r))
      }
      for i in 0..<rows {
        let query = start + i
        // Squared distance up to the query's own norm, which ranks alike.
        var best: [(distance: Float, label: Int32)] = []
        for j in 0..<r where !(excludingSelf && j == query) {
          let distance = refNorms[j] - 2 * products[i * r + j]
          if best.count < k || distance < best[best.count - 1].distance {
            var at = best.count
            while at > 0 && best[at - 1].distance > distance { at -= 1 }
            best.insert((distance, referenceLabels[j]), at: at)
            if best.count > k { best.removeLast() }
          }
        }
        var votes: [Int32: Int] = [:]
        for n in best { votes[n.label, default: 0] += 1 }
        let top = votes.values.max() ?? 0
        let winner = best.first { votes[$0.label] == top }?.label
        if winner == queryLabels[query] { correct += 1 }
      }
    }
    return Double(correct) / Double(q)
  }

  private static func transposed(_ m: Matrix) -> [Float] {
    let (d, n) = (m.rows, m.columns)
    var out = [Float](repeating: 0, count: d * n)
    m.elements.withUnsafeBufferPointer { e in for i in 0..<d { for j in 0..<n { out[j * d + i] = e[i * n + j] } } }
    return out
  }
}
