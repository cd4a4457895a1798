// SeededGenerator: the random source every random choice in Sprig takes.
import Foundation

/// A fast, seedable random number generator (xoshiro256**, seeded through
/// SplitMix64). The same seed gives the same sequence on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s0, s1, s2, s3: UInt64

  /// A generator whose whole sequence is fixed by `seed`.
  public init(seed: UInt64) {
    var sm = seed
    func splitMix() -> UInt64 {
      sm &+= 0x9E37_79B9_7F4A_7C15
      var z = sm
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
  }

  @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  public mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }

  /// A generator for an independent stream, derived from this one's seed
  /// and `stream` (e.g. one per layer), without advancing this one.
  public func derived(_ stream: UInt64) -> SeededGenerator {
    SeededGenerator(seed: s0 ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ s3)
  }

  /// A uniform `Float` in [0, 1).
  @inlinable public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A uniform integer in `0..<bound` (Lemire's method, unbiased).
  @inlinable public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0)
    let b = UInt64(bound)
    var m = next().multipliedFullWidth(by: b)
    if m.low < b {
      let threshold = (0 &- b) % b
      while m.low < threshold { m = next().multipliedFullWidth(by: b) }
    }
    return Int(m.high)
  }

  /// A standard normal sample (Box–Muller).
  public mutating func nextNormal() -> Float {
    var u1 = Double(next() >> 11) * 0x1.0p-53
    if u1 < 1e-300 { u1 = 1e-300 }
    let u2 = Double(next() >> 11) * 0x1.0p-53
    return Float((-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }
}
