// AutoencoderTraining: the mini-batch loop of an autoencoder, with SET between epochs.

extension Autoencoder {
  /// Trains on `data`'s features (labels are ignored) and returns the mean
  /// loss of each epoch.
  ///
  /// Each epoch reshuffles from `seed`, runs every mini-batch
  /// (``computeLossAndGradients(_:using:)`` then `optimizer.step`), and
  /// afterwards rewires every sparse layer with `evolution` (except after
  /// the last epoch). Corruption noise, shuffling and evolution each draw
  /// from their own stream derived from `seed`.
  ///
  /// - Parameters:
  ///   - progress: called after each epoch with its number (from 1) and mean loss.
  @discardableResult
  public func fit(
    _ data: LabeledData, epochs: Int, batchSize: Int = 128, optimizer: Optimizer,
    evolution: EvolutionStrategy = NoEvolution(), seed: UInt64 = 0,
    progress: ((_ epoch: Int, _ loss: AutoencoderLoss) -> Void)? = nil
  ) -> [AutoencoderLoss] {
    precondition(data.featureCount == inputSize, "Autoencoder.fit: data has \(data.featureCount) features, the model \(inputSize)")
    let root = SeededGenerator(seed: seed)
    var shuffle = root.derived(1), noise = root.derived(2), rewiring = root.derived(3)
    let x = Matrix(rows: 0, columns: 0), labels = Matrix(rows: 0, columns: 0)
    let parameters = self.parameters
    var history: [AutoencoderLoss] = []
    for epoch in 1...max(epochs, 1) {
      let order = data.shuffledOrder(using: &shuffle)
      var reconstruction = 0.0, penalty = 0.0
      for start in stride(from: 0, to: order.count, by: batchSize) {
        let indices = order[start..<min(order.count, start + batchSize)]
        data.fillBatch(indices, features: x, oneHotLabels: labels)
        let loss = computeLossAndGradients(x, using: &noise)
        optimizer.step(parameters)
        reconstruction += Double(loss.reconstruction) * Double(indices.count)
        penalty += Double(loss.codePenalty) * Double(indices.count)
      }
      let n = Double(max(order.count, 1))
      let mean = AutoencoderLoss(reconstruction: Float(reconstruction / n), codePenalty: Float(penalty / n))
      history.append(mean)
      progress?(epoch, mean)
      if epoch < epochs {
        for layer in sparseLayers { _ = evolution.rewire(layer, using: &rewiring) }
      }
    }
    return history
  }

  /// The mean reconstruction error (MSE, without corruption or penalty) on `data`.
  public func reconstructionError(on data: LabeledData, batchSize: Int = 500) -> Double {
    let x = Matrix(rows: 0, columns: 0), labels = Matrix(rows: 0, columns: 0), g = Matrix(rows: 0, columns: 0)
    let mse = MeanSquaredError()
    var sum = 0.0
    let order = Array(0..<data.count)
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let indices = order[start..<min(data.count, start + batchSize)]
      data.fillBatch(indices, features: x, oneHotLabels: labels)
      sum += Double(mse(reconstruct(x), x, gradient: g)) * Double(indices.count)
    }
    return sum / Double(max(data.count, 1))
  }
}
