// AnalysisFixtures: reads the golden values written by scripts/analysis/make_fixtures.py.
import Foundation
import XCTest

/// The committed fixtures (Python `powerlaw` 2.0 and scipy), read from
/// `Fixtures/` next to this file.
enum AnalysisFixtures {
  struct PowerLawReference: Decodable {
    struct Comparison: Decodable {
      let R: Double
      let normalized_R: Double
      let p: Double
      let parameters: [String: Double]
    }
    struct Candidates: Decodable {
      let xmins: [Int]
      let D: [Double]
      let alpha: [Double]
      let valid: [Bool]
    }
    let xmin: Int
    let alpha: Double
    let alpha_exact: Double
    let sigma: Double
    let D: Double
    let n_tail: Int
    let loglikelihood: Double
    let candidates: Candidates
    let exponential: Comparison
    let lognormal: Comparison
  }
  struct BinomialReference: Decodable {
    let trials: Int
    let probability: Double
    let chi2: Double
    let dof: Int
    let p_value: Double
    let bins: [[Int]]
    let observed: [Int]
    let expected: [Double]
    let ks_distance: Double
  }
  struct Sequence: Decodable {
    let description: String
    let degrees: [Int]
    let power_law: PowerLawReference?
    let binomial: BinomialReference
  }
  struct DegreeSequences: Decodable {
    let sequences: [String: Sequence]
  }
  struct SpecialFunctions: Decodable {
    struct Zeta: Decodable {
      let s: Double
      let a: Double
      let value: Double
    }
    struct GammaQ: Decodable {
      let a: Double
      let x: Double
      let value: Double
    }
    struct ChiSquared: Decodable {
      let x: Double
      let dof: Int
      let value: Double
    }
    struct Binomial: Decodable {
      let n: Int
      let p: Double
      let k: Int
      let logpmf: Double
      let cdf: Double
      let sf: Double
    }
    let hurwitz_zeta: [Zeta]
    let gamma_q: [GammaQ]
    let chi2_sf: [ChiSquared]
    let binomial: [Binomial]
  }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

  static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let data = try Data(contentsOf: directory.appendingPathComponent(name))
    return try JSONDecoder().decode(T.self, from: data)
  }

  static func sequence(_ name: String) throws -> Sequence {
    let all = try load("degree_sequences.json", as: DegreeSequences.self)
    return try XCTUnwrap(all.sequences[name], "no sequence \(name) in degree_sequences.json")
  }

  static let sequenceNames = ["power_law", "binomial", "lognormal", "trained_like", "trained_sprig"]
}
