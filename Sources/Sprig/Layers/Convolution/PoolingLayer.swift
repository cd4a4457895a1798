// PoolingLayer: the shape bookkeeping every pooling layer shares.

/// A per-channel pooling layer over the windows of a ``WindowGeometry``.
public protocol PoolingLayer: Layer {
  /// Where the windows land.
  var geometry: WindowGeometry { get }
}

extension PoolingLayer {
  public var inputSize: Int { geometry.input.featureCount }
  public var outputSize: Int { geometry.input.channels * geometry.outputPixels }
  public var parameters: [Parameter] { [] }
  /// The shape of one output sample (same channels, smaller image).
  public var outputShape: ImageShape {
    ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: geometry.input.channels)
  }
}
