// TopologyReport: what a trained topology's degree distributions say —
// every number of report.json, computed from recorded degrees.
import Foundation

/// The analysis of a run's (or checkpoint's) sparse-layer topologies.
///
/// JSON schema (`report.json`, schema 1; keys in snake_case):
/// - `schema`: 1; `source`: the analysed path; `facts`: run facts from the
///   checkpoint metadata (dataset, epoch, test accuracy, …);
/// - `layers[]`: `layer` (index in the model), `inputs`, `outputs`,
///   `connections`, `density`, `image_shape` (when the layer reads images),
///   `first_epoch`, `last_epoch`, and `in` / `out`: one ``SequenceAnalysis``
///   for the in-degrees (per output neuron) and out-degrees (per input
///   neuron) at the last recorded epoch;
/// - `epochs[]`: per recorded epoch, layer and side: `alpha`, `x_min`
///   (null when no power law fits), `max_degree`, `gini`, `chi_squared`,
///   `binomial_p_value`.
public struct TopologyReport: Codable, Equatable {
  /// The analysis of one degree sequence.
  public struct SequenceAnalysis: Codable, Equatable {
    public var statistics: DegreeStatistics
    /// The Erdős–Rényi null: Binomial(n_in, p) for in-degrees, Binomial(n_out, p) for out-degrees.
    public var nullTrials: Int
    public var nullProbability: Double
    public var chiSquared: Double?
    public var chiSquaredDegreesOfFreedom: Int?
    public var binomialPValue: Double?
    public var binomialKSDistance: Double?
    public var alpha: Double?
    public var alphaStandardError: Double?
    public var xMin: Int?
    public var powerLawKSDistance: Double?
    public var tailCount: Int?
    public var bootstrapPValue: Double?
    public var bootstrapResamples: Int?
    /// Vuong tests of the power law against each alternative.
    public var comparisons: [Comparison]
    /// Broido & Clauset's category.
    public var verdict: String
    public var tooShortForClaim: Bool
    public var reasons: [String]
    /// Neurons with no connection (excluded from the power-law fit).
    public var zeroDegreeCount: Int

    enum CodingKeys: String, CodingKey {
      case statistics, comparisons, verdict, reasons, alpha
      case nullTrials = "null_trials"
      case nullProbability = "null_probability"
      case chiSquared = "chi_squared"
      case chiSquaredDegreesOfFreedom = "chi_squared_dof"
      case binomialPValue = "binomial_p_value"
      case binomialKSDistance = "binomial_ks_distance"
      case alphaStandardError = "alpha_standard_error"
      case xMin = "x_min"
      case powerLawKSDistance = "power_law_ks_distance"
      case tailCount = "tail_count"
      case bootstrapPValue = "bootstrap_p_value"
      case bootstrapResamples = "bootstrap_resamples"
      case tooShortForClaim = "too_short_for_claim"
      case zeroDegreeCount = "zero_degree_count"
    }
  }

  /// One likelihood-ratio test.
  public struct Comparison: Codable, Equatable {
    public var alternative: String
    public var logLikelihoodRatio: Double
    public var normalizedRatio: Double
    public var pValue: Double
    /// "power-law", "alternative" or "inconclusive".
    public var preference: String

    enum CodingKeys: String, CodingKey {
      case alternative, preference
      case logLikelihoodRatio = "log_likelihood_ratio"
      case normalizedRatio = "normalized_ratio"
      case pValue = "p_value"
    }
  }

  /// One sparse layer.
  public struct Layer: Codable, Equatable {
    public var layer: Int
    /// The part of the layer (`kernel`, `input gate`, …), nil for a whole sparse layer.
    public var part: String?
    public var inputs: Int
    public var outputs: Int
    public var connections: Int
    public var density: Double
    public var imageShape: ImageShape?
    public var firstEpoch: Int
    public var lastEpoch: Int
    public var inDegrees: SequenceAnalysis
    public var outDegrees: SequenceAnalysis

    /// `Layer 3` or `Layer 3 (kernel)`.
    public var title: String { "Layer \(layer)" + (part.map { " (\($0))" } ?? "") }

    enum CodingKeys: String, CodingKey {
      case layer, part, inputs, outputs, connections, density
      case imageShape = "image_shape"
      case firstEpoch = "first_epoch"
      case lastEpoch = "last_epoch"
      case inDegrees = "in"
      case outDegrees = "out"
    }
  }

  /// Per-epoch curves of one side of one layer.
  public struct EpochPoint: Codable, Equatable {
    public var epoch: Int
    public var layer: Int
    public var part: String?
    /// "in" or "out".
    public var side: String
    public var alpha: Double?
    public var xMin: Int?
    public var maxDegree: Int
    public var gini: Double
    public var chiSquared: Double?
    public var binomialPValue: Double?

    enum CodingKeys: String, CodingKey {
      case epoch, layer, part, side, alpha, gini
      case xMin = "x_min"
      case maxDegree = "max_degree"
      case chiSquared = "chi_squared"
      case binomialPValue = "binomial_p_value"
    }
  }

  public var schema = 1
  public var source: String
  public var facts: [String: String]
  public var layers: [Layer]
  public var epochs: [EpochPoint]

  /// Analyses `records` (oldest first; the last is the topology reported in
  /// full). The null is the binomial the layer's density implies — SET keeps
  /// the connection count, so it is the initial topology's. The bootstrap
  /// uses `resamples` synthetic sets drawn from `seed`.
  public init(
    records: [DegreeRecord], source: String, facts: [String: String], imageShape: ImageShape?, resamples: Int = 100,
    seed: UInt64 = 0
  ) {
    precondition(!records.isEmpty, "TopologyReport needs at least one degree record")
    self.source = source
    self.facts = facts
    let first = records.first!, last = records.last!
    var rng = SeededGenerator(seed: seed)
    layers = last.layers.enumerated().map { position, degrees in
      let p = Double(degrees.connections) / (Double(degrees.inputs) * Double(degrees.outputs))
      return Layer(
        layer: degrees.layer, part: degrees.part, inputs: degrees.inputs, outputs: degrees.outputs,
        connections: degrees.connections,
        density: p,
        imageShape: degrees.columnShape ?? (position == 0 && imageShape?.featureCount == degrees.inputs ? imageShape : nil),
        firstEpoch: first.epoch, lastEpoch: last.epoch,
        inDegrees: Self.analyse(degrees.inDegrees, trials: degrees.inputs, probability: p, resamples: resamples, rng: &rng),
        outDegrees: Self.analyse(degrees.outDegrees, trials: degrees.outputs, probability: p, resamples: resamples, rng: &rng))
    }
    epochs = records.flatMap { record in
      record.layers.flatMap { degrees -> [EpochPoint] in
        let p = Double(degrees.connections) / (Double(degrees.inputs) * Double(degrees.outputs))
        return [("in", degrees.inDegrees, degrees.inputs), ("out", degrees.outDegrees, degrees.outputs)].map { side, sequence, trials in
          let fit = PowerLawFit.fit(sequence)
          let test = BinomialFitTest(degrees: sequence, model: BinomialModel(trials: trials, probability: p))
          let stats = DegreeStatistics(sequence)
          return EpochPoint(
            epoch: record.epoch, layer: degrees.layer, part: degrees.part, side: side, alpha: fit?.exponent, xMin: fit?.minimum,
            maxDegree: stats.maximum, gini: stats.gini, chiSquared: test?.chiSquared, binomialPValue: test?.pValue)
        }
      }
    }
  }

  static func analyse(_ degrees: [Int], trials: Int, probability: Double, resamples: Int, rng: inout SeededGenerator) -> SequenceAnalysis {
    let test = BinomialFitTest(degrees: degrees, model: BinomialModel(trials: trials, probability: probability))
    let fit = PowerLawFit.fit(degrees)
    let bootstrap = fit.map { $0.bootstrapPValue(resamples: resamples, using: &rng) }
    let comparisons = fit.map { f in LikelihoodRatioTest.Alternative.allCases.compactMap { LikelihoodRatioTest.compare(f, with: $0) } } ?? []
    let zeros = degrees.filter { $0 == 0 }.count
    let verdict = ScaleFreeVerdict(fit: fit, bootstrap: bootstrap, comparisons: comparisons, zeroDegreeCount: zeros)
    return SequenceAnalysis(
      statistics: DegreeStatistics(degrees), nullTrials: trials, nullProbability: probability,
      chiSquared: test?.chiSquared, chiSquaredDegreesOfFreedom: test?.degreesOfFreedom, binomialPValue: test?.pValue,
      binomialKSDistance: test?.ksDistance, alpha: fit?.exponent, alphaStandardError: fit?.standardError, xMin: fit?.minimum,
      powerLawKSDistance: fit?.ksDistance, tailCount: fit?.tailCount, bootstrapPValue: bootstrap?.pValue,
      bootstrapResamples: bootstrap?.resamples,
      comparisons: comparisons.map {
        Comparison(
          alternative: $0.alternative.rawValue, logLikelihoodRatio: $0.logLikelihoodRatio, normalizedRatio: $0.normalizedRatio,
          pValue: $0.pValue, preference: $0.preference.rawValue)
      },
      verdict: verdict.category.description, tooShortForClaim: verdict.isTooShortForClaim, reasons: verdict.reasons,
      zeroDegreeCount: zeros)
  }
}
