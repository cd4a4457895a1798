// TrainingOptions: everything that decides how a model is trained.
import Foundation

/// How the learning rate evolves during training.
public enum LearningRateSchedule: String, Codable, CaseIterable, Sendable {
  /// The same rate throughout.
  case constant
  /// Cosine annealing from the base rate to zero over all steps.
  case cosine
}

/// Which evolution strategy rewires sparse layers.
public enum EvolutionKind: String, Codable, CaseIterable, Sendable {
  /// A fixed topology.
  case none
  /// SET: regrow anywhere.
  case set
  /// SET regrowing only inside each unit's local window (locally connected layers).
  case setLocal = "set-local"
  /// SET regrowing preferably near each unit's home position.
  case setDistance = "set-distance"
  /// RigL: drop by magnitude, regrow where the gradient is largest.
  case rigl
}

/// How to train: optimizer, schedule, evolution and reproducibility.
///
/// The defaults are Sprig's tuned settings for sparse MLPs: SGD with
/// momentum 0.9 at a learning rate of 0.2 annealed to zero on a cosine,
/// scaled by 256/fan-in for layers with wider inputs (``FanInScaling``),
/// weight decay 5e-4 (dropout and augmentation come with the model:
/// ``MLPRecipe``). Measured on the 784-1000-1000-1000-10
/// SET-MLP (ε = 20, ζ = 0.3, batch 128, 10 epochs), they reach about 98 % on
/// MNIST and 89 % on Fashion-MNIST, where the SET paper's settings
/// (``setPaper``: lr 0.01, weight decay 2e-4, dropout 0.3, meant for 1000
/// epochs) and a constant lr 0.05 with weight decay 1e-4 stay near 97.2 %.
public struct TrainingOptions: Codable, Equatable, Sendable {
  public var epochs: Int = 10
  public var batchSize: Int = 128
  public var optimizer: OptimizerKind = .sgd
  public var learningRate: Float = 0.2
  public var momentum: Float = 0.9
  public var nesterov: Bool = false
  /// Adam's moment decay rates β₁ and β₂ (GANs train with β₁ = 0.5,
  /// Radford et al. 2016: a long first-moment memory lets the generator
  /// overshoot a discriminator that has moved on).
  public var adamBeta1: Float = 0.9
  public var adamBeta2: Float = 0.999
  public var weightDecay: Float = 5e-4
  /// SGD: layers whose units see more inputs than this train at the rate
  /// times `referenceFanIn / fanIn` (``FanInScaling``), so wide dense
  /// layers do not diverge at a rate tuned for sparse ones; 0 turns it off.
  public var referenceFanIn: Int = 256
  /// How the learning rate changes over the run.
  public var learningRateSchedule: LearningRateSchedule = .cosine
  /// SET's ζ: the fraction of each sign's weights rewired per evolution step (0 = fixed topology).
  public var zeta: Double = 0.3
  /// Rewire every this many epochs.
  public var evolutionPeriod: Int = 1
  /// The evolution strategy (with `zeta` 0, none).
  public var evolution: EvolutionKind = .set
  /// ζ constant, or cosine-annealed over the run (RigL's f(t) = ζ/2·(1+cos(πt/T))).
  public var zetaSchedule: EvolutionSchedule.Decay = .constant
  /// Whether `evolutionPeriod` and `evolutionEnd` count epochs or optimizer steps.
  public var evolutionUnit: EvolutionSchedule.Unit = .epochs
  /// `T`: no evolution from this epoch (or step) on; nil evolves to the end.
  /// A cosine ζ anneals to 0 at `T` (default: the last epoch).
  public var evolutionEnd: Int?
  /// New connections' weights, relative to the initialization's scale.
  public var regrowthScale: Float = 0.1
  /// Record every sparse layer's degrees every this many epochs (and at
  /// the start) into the run's `degrees.jsonl`; 0 records nothing.
  public var degreeRecordingPeriod: Int = 0
  /// Seeds shuffling, evolution and (through the model) topology and weights.
  public var seed: UInt64 = 0
  /// Samples per forward pass when evaluating (does not change results).
  public var evaluationBatchSize: Int = 1000
  /// Random shifts and flips of training images (nil: none).
  public var augmentation: ImageAugmentation?
  /// Save a ``ResumeState`` in the run folder after every epoch (removed
  /// when the run finishes), so an interrupted run can go on.
  public var savesResumeState: Bool = true
  /// Clip the global gradient norm to this before each step (recurrent
  /// models), or nil for no clipping. With clipping, SGD's momentum is not
  /// folded into the sparse gradient kernels (the gradient must exist to be
  /// clipped).
  public var maxGradientNorm: Float?
  /// RBMs: the chains and intermediate distributions of the per-epoch AIS
  /// estimate of log Z (nil: 100 and 2,000; more is slower and tighter).
  public var aisRuns: Int?
  public var aisIntermediateDistributions: Int?
  /// How sparse layers store the activations and gradients their kernels
  /// read (``ActivationPrecision``): `fp32`, or `bf16` for half the bytes.
  public var activationPrecision: ActivationPrecision = .fp32

  public init() {}

  enum CodingKeys: String, CodingKey {
    case epochs, batchSize, optimizer, learningRate, momentum, nesterov, adamBeta1, adamBeta2, weightDecay, referenceFanIn
    case learningRateSchedule, zeta
    case evolutionPeriod, evolution, zetaSchedule, evolutionUnit, evolutionEnd, regrowthScale, degreeRecordingPeriod
    case seed, evaluationBatchSize, augmentation, savesResumeState, maxGradientNorm
    case aisRuns, aisIntermediateDistributions, activationPrecision
  }

  /// Reads options where any field may be left out: a left-out field takes
  /// its default, so a model description's `training` block can name only
  /// what differs (`{"optimizer": "adam", "learningRate": 0.001}`).
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = TrainingOptions()
    func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
      try c.decodeIfPresent(T.self, forKey: key) ?? fallback
    }
    epochs = try value(.epochs, d.epochs)
    batchSize = try value(.batchSize, d.batchSize)
    optimizer = try value(.optimizer, d.optimizer)
    learningRate = try value(.learningRate, d.learningRate)
    momentum = try value(.momentum, d.momentum)
    nesterov = try value(.nesterov, d.nesterov)
    adamBeta1 = try value(.adamBeta1, d.adamBeta1)
    adamBeta2 = try value(.adamBeta2, d.adamBeta2)
    weightDecay = try value(.weightDecay, d.weightDecay)
    referenceFanIn = try value(.referenceFanIn, d.referenceFanIn)
    learningRateSchedule = try value(.learningRateSchedule, d.learningRateSchedule)
    zeta = try value(.zeta, d.zeta)
    evolutionPeriod = try value(.evolutionPeriod, d.evolutionPeriod)
    evolution = try value(.evolution, d.evolution)
    zetaSchedule = try value(.zetaSchedule, d.zetaSchedule)
    evolutionUnit = try value(.evolutionUnit, d.evolutionUnit)
    evolutionEnd = try c.decodeIfPresent(Int.self, forKey: .evolutionEnd)
    regrowthScale = try value(.regrowthScale, d.regrowthScale)
    degreeRecordingPeriod = try value(.degreeRecordingPeriod, d.degreeRecordingPeriod)
    seed = try value(.seed, d.seed)
    evaluationBatchSize = try value(.evaluationBatchSize, d.evaluationBatchSize)
    augmentation = try c.decodeIfPresent(ImageAugmentation.self, forKey: .augmentation)
    savesResumeState = try value(.savesResumeState, d.savesResumeState)
    maxGradientNorm = try c.decodeIfPresent(Float.self, forKey: .maxGradientNorm)
    aisRuns = try c.decodeIfPresent(Int.self, forKey: .aisRuns)
    aisIntermediateDistributions = try c.decodeIfPresent(Int.self, forKey: .aisIntermediateDistributions)
    activationPrecision = try value(.activationPrecision, d.activationPrecision)
  }

  /// The learning rate for step `step` of `totalSteps`.
  public func learningRate(atStep step: Int, of totalSteps: Int) -> Float {
    switch learningRateSchedule {
    case .constant: return learningRate
    case .cosine:
      // Cosine annealing to zero (Loshchilov & Hutter 2017), per step so the
      // last epochs fine-tune with small steps.
      let t = Double(step) / Double(max(totalSteps, 1))
      return learningRate * Float(0.5 * (1 + cos(Double.pi * t)))
    }
  }

  /// The SET paper's reference training settings (Mocanu et al. 2018).
  public static var setPaper: TrainingOptions {
    var o = TrainingOptions()
    o.learningRate = 0.01
    o.momentum = 0.9
    o.weightDecay = 2e-4
    o.referenceFanIn = 0
    o.learningRateSchedule = .constant
    return o
  }

  /// The optimizer these options describe.
  public func makeOptimizer() -> Optimizer {
    let base: Optimizer
    switch optimizer {
    case .sgd: base = SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
    case .adam: base = Adam(learningRate: learningRate, beta1: adamBeta1, beta2: adamBeta2, weightDecay: weightDecay)
    }
    guard let maxGradientNorm else { return base }
    return GradientClippingOptimizer(base, maxNorm: maxGradientNorm)
  }

  /// The evolution strategy these options describe. `windows` are the
  /// local windows of locally connected layers (for `set-local`).
  /// - Throws: a typed error for an impossible schedule (a cosine ζ counted
  ///   in steps needs `evolutionEnd`).
  public func makeEvolution(
    initialization: WeightInitialization, windows: [(layer: SparseLinear, windows: LocalWindows)] = []
  ) throws -> EvolutionStrategy {
    guard zeta > 0 else { return NoEvolution() }
    let base: any ZetaEvolutionStrategy
    switch evolution {
    case .none: return NoEvolution()
    case .set: base = SETEvolution(zeta: zeta, regrowthScale: regrowthScale, initialization: initialization)
    case .setLocal:
      base = LocalSETEvolution(zeta: zeta, regrowthScale: regrowthScale, initialization: initialization, windows: windows)
    case .setDistance: base = DistanceBiasedSETEvolution(zeta: zeta, regrowthScale: regrowthScale, initialization: initialization)
    case .rigl: base = RigLEvolution(zeta: zeta)
    }
    guard zetaSchedule == .cosine || evolutionUnit == .steps || evolutionEnd != nil else { return base }
    let end = evolutionEnd ?? (evolutionUnit == .epochs && zetaSchedule == .cosine ? epochs : nil)
    let schedule = try EvolutionSchedule(
      zeta: zeta, decay: zetaSchedule, unit: evolutionUnit, period: max(1, evolutionPeriod), end: end)
    return ScheduledEvolution(base, schedule: schedule)
  }
}
