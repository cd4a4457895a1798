// DegreeViews: which sparse matrices (or blocks of their rows) a model's
// degree analysis reports, each named for what its rows and columns are.

/// One sparse matrix of a layer, or a block of its rows, as the degree
/// analysis sees it: a conv kernel (columns = input channel × kernel
/// position), one gate of a recurrent cell (rows = that gate's units).
public struct DegreeView {
  /// What part of the layer it is (`kernel`, `input gate`, …); nil for a
  /// sparse layer that is one matrix.
  public var part: String?
  public var pattern: SparsityPattern
  /// The rows (output units) reported.
  public var rows: Range<Int>
  /// How the columns are laid out as an image (`C × k × k` for a kernel),
  /// for heat maps of the out-degrees; nil when they are plain features.
  public var columnShape: ImageShape?

  public init(part: String?, pattern: SparsityPattern, rows: Range<Int>? = nil, columnShape: ImageShape? = nil) {
    self.part = part
    self.pattern = pattern
    self.rows = rows ?? 0..<pattern.rows
    self.columnShape = columnShape
  }
}

/// A layer that says how its sparse matrices should be reported; any other
/// ``HasSparseLayers`` layer is reported one whole matrix at a time.
public protocol DescribesDegreeViews: HasSparseLayers {
  var degreeViews: [DegreeView] { get }
}

extension Layer {
  /// The views of this layer's sparse matrices (none for a dense layer).
  public var degreeViews: [DegreeView] {
    if let described = self as? DescribesDegreeViews { return described.degreeViews }
    if let sparse = self as? SparseLinear { return [DegreeView(part: nil, pattern: sparse.pattern)] }
    guard let holder = self as? HasSparseLayers else { return [] }
    let matrices = holder.sparseLayers
    return matrices.enumerated().map { j, m in
      DegreeView(part: matrices.count == 1 ? "sparse" : "sparse \(j)", pattern: m.pattern)
    }
  }
}

/// Degrees of a block of equal-sized gates: `names[g]` is rows `[g·n, (g+1)·n)` of `pattern`.
func gateViews(_ pattern: SparsityPattern, names: [String], suffix: String = "") -> [DegreeView] {
  let n = pattern.rows / names.count
  return names.enumerated().map { g, name in
    DegreeView(part: name + suffix, pattern: pattern, rows: (g * n)..<((g + 1) * n))
  }
}

extension SparseConv2D: DescribesDegreeViews {
  /// The kernel: rows are filters, columns input channel × kernel position
  /// (`c·k·k + ky·k + kx`), laid out as a `C × k × k` image for heat maps.
  public var degreeViews: [DegreeView] {
    let k = geometry.kernelSize
    return [
      DegreeView(
        part: "kernel", pattern: kernel.pattern, columnShape: ImageShape(height: k, width: k, channels: geometry.input.channels))
    ]
  }
}

extension Recurrent: DescribesDegreeViews {
  /// A sparse cell's gates, one view each: an LSTM's four blocks of rows of
  /// its `[x; h]` matrix, a GRU's three blocks of its input and of its
  /// hidden matrix.
  public var degreeViews: [DegreeView] {
    switch cell {
    case let lstm as SparseLSTMCell:
      return gateViews(lstm.gates.pattern, names: ["input gate", "forget gate", "output gate", "candidate"])
    case let gru as SparseGRUCell:
      let names = ["reset gate", "update gate", "candidate"]
      return gateViews(gru.inputGates.pattern, names: names, suffix: " from x")
        + gateViews(gru.hiddenGates.pattern, names: names, suffix: " from h")
    default: return []
    }
  }
}
