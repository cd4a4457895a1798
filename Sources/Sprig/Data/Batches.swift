// Batches: picking samples into the feature-major matrices the layers take, and shuffling.

extension LabeledData {
  /// Writes the samples at `indices` into `features` and `oneHotLabels`,
  /// feature-major: column `j` is sample `indices[j]`.
  ///
  /// `features` becomes `featureCount × indices.count` and `oneHotLabels`
  /// `classCount × indices.count` (1 in row `labels[indices[j]]` of column
  /// `j`, 0 elsewhere). Matrices that already have these shapes are reused
  /// without allocating, so a training loop can call this every step.
  ///
  /// - Parameters:
  ///   - indices: the samples, each in `0..<count` (e.g. a slice of ``shuffledOrder(using:)``).
  ///   - features: receives the samples' features.
  ///   - oneHotLabels: receives the samples' labels, one-hot.
  public func fillBatch(_ indices: ArraySlice<Int>, features: Matrix, oneHotLabels: Matrix) {
    let batch = indices.count
    let f = featureCount
    precondition(indices.allSatisfy { $0 >= 0 && $0 < count }, "fillBatch: a sample index is outside 0..<\(count)")
    features.reshape(rows: f, columns: batch)
    oneHotLabels.reshape(rows: classCount, columns: batch)
    guard batch > 0 else { return }

    indices.withUnsafeBufferPointer { index in
      self.features.withUnsafeBufferPointer { source in
        features.elements.withUnsafeMutableBufferPointer { destination in
          ElementwiseKernels.gatherColumns(source, featureCount: f, indices: index, into: destination)
        }
      }
    }
    fillOneHot(indices, into: oneHotLabels)
  }

  /// Writes the labels of the samples at `indices` one-hot into `oneHotLabels`
  /// (already `classCount × indices.count`).
  func fillOneHot(_ indices: ArraySlice<Int>, into oneHotLabels: Matrix) {
    let batch = indices.count
    oneHotLabels.fill(0)
    indices.withUnsafeBufferPointer { index in
      labels.withUnsafeBufferPointer { label in
        oneHotLabels.elements.withUnsafeMutableBufferPointer { oneHot in
          for j in 0..<batch { oneHot[Int(label[index[j]]) * batch + j] = 1 }
        }
      }
    }
  }

  /// A random order of `0..<count` (Fisher–Yates): the same `generator`
  /// state gives the same order on every machine.
  public func shuffledOrder(using generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    var i = count - 1
    while i > 0 {
      order.swapAt(i, generator.nextInt(below: i + 1))
      i -= 1
    }
    return order
  }
}
