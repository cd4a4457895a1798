// LocallyConnected2D: a convolution's wiring without weight sharing, built
// as a SparseLinear on the local pattern so every kernel, evolution strategy
// and report works on it unchanged.

/// Builds locally connected 2-D layers: each output unit `(oc, oy, ox)` has
/// its own weights over its `k × k × C` input window (see ``LocalWindows``)
/// and its own bias.
///
/// The result is a plain ``SparseLinear`` plus the ``LocalWindows`` that
/// describe it, rather than a wrapper layer: `Sequential.sparseLayers`,
/// checkpoints, degree recording and every ``EvolutionStrategy`` find
/// sparse layers as `SparseLinear`, so the local layer is trained and
/// evolved like any other; the windows are what ``LocalSETEvolution`` needs
/// to keep regrowth local. Features are channel-first on both sides,
/// `f = (c·H + y)·W + x`, so a layer's output feeds the next one directly.
///
/// A 28×28 MNIST stack: `784 → locally connected 5×5, 16 maps (24×24×16 =
/// 9216 units) → SET layers → 10`:
///
/// ```swift
/// var rng = SeededGenerator(seed: 1)
/// let (local, windows) = try LocallyConnected2D.make(
///   input: ImageShape(height: 28, width: 28), outputChannels: 16, kernelSize: 5, using: &rng)
/// let model = Sequential([
///   local, ReLU(size: local.outputSize),
///   SparseLinear(inputSize: local.outputSize, outputSize: 1000, epsilon: 20, using: &rng), ReLU(size: 1000),
///   Linear(inputSize: 1000, outputSize: 10, using: &rng),
/// ])
/// let evolution = LocalSETEvolution(zeta: 0.3, windows: [(local, windows)])
/// ```
public enum LocallyConnected2D {
  /// A locally connected layer over `input` and the windows it was built on.
  ///
  /// - Parameters:
  ///   - input: the input image shape (height, width, channels).
  ///   - outputChannels: output maps; each covers the whole output grid.
  ///   - kernelSize: window side `k`.
  ///   - stride: window step (default 1).
  ///   - padding: zero padding on each side, `< k` (default 0).
  ///   - density: fraction of each window's positions connected (default 1,
  ///     the whole window); below 1 the layer is sparse inside its windows,
  ///     which leaves room for local evolution to regrow elsewhere.
  ///   - initialization: weight distribution, scaled for each unit's actual
  ///     fan-in (border units see fewer inputs).
  ///   - rng: draws the pattern (when `density < 1`) and the weights.
  /// - Throws: ``TopologyError/invalidParameter(_:)`` for an impossible geometry.
  public static func make(
    input: ImageShape, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    density: Double = 1, initialization: WeightInitialization = .heUniform, using rng: inout SeededGenerator
  ) throws -> (layer: SparseLinear, windows: LocalWindows) {
    let windows = try LocalWindows(
      input: input, outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: padding)
    guard density > 0 && density <= 1 else {
      throw TopologyError.invalidParameter("local density \(density) is not in (0, 1]")
    }
    return (make(windows: windows, density: density, initialization: initialization, using: &rng), windows)
  }

  /// A locally connected layer on given `windows` (e.g. restored from a
  /// configuration); `density` in (0, 1] as in ``make(input:outputChannels:kernelSize:stride:padding:density:initialization:using:)``.
  public static func make(
    windows: LocalWindows, density: Double = 1, initialization: WeightInitialization = .heUniform,
    using rng: inout SeededGenerator
  ) -> SparseLinear {
    let pattern = windows.pattern(density: density, using: &rng)
    return SparseLinear(pattern: pattern, initialization: initialization, using: &rng)
  }
}
