// ShardedSparseLayer: a layer whose sparse matrices hold only this rank's
// part of the layer.

/// A layer split across ranks (e.g. SprigDistributed's
/// `ShardedSparseLinear`): its ``HasSparseLayers/sparseLayers`` are this
/// rank's shard only. The ``Trainer`` rewires each shard from its own
/// stream, derived from the shared evolution stream and
/// ``rewiringStream`` (the shard's index), so shards do not draw the same
/// positions in step.
public protocol ShardedSparseLayer: HasSparseLayers {
  /// Which part of the layer this is: a different value on each rank.
  var rewiringStream: UInt64 { get }
}
