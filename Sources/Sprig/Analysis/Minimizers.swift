// Minimizers: Brent's one-dimensional minimiser and Nelder–Mead, for the maximum-likelihood fits.

/// Numerical minimisers for the likelihood fits (internal).
enum Minimizers {
  /// Brent's method (golden section with parabolic steps; Brent 1973, as in
  /// Numerical Recipes §10.3): the minimum of `f` on `[lower, upper]`, to an
  /// absolute tolerance of about `tolerance + 1e−10·|x|` in `x`.
  /// Finds the global minimum when `f` is unimodal there, such as the
  /// convex negative log-likelihood of the discrete power law.
  static func brent(
    lower: Double, upper: Double, tolerance: Double = 1e-12, maxIterations: Int = 200,
    _ f: (Double) -> Double
  ) -> (x: Double, value: Double) {
    let golden = 0.381_966_011_250_105_1  // (3 − √5)/2
    var a = lower
    var b = upper
    var x = a + golden * (b - a)
    var w = x
    var v = x
    var fx = f(x)
    var fw = fx
    var fv = fx
    var d = 0.0
    var e = 0.0
    for _ in 0..<maxIterations {
      let m = 0.5 * (a + b)
      let tol1 = 1e-10 * abs(x) + tolerance
      let tol2 = 2 * tol1
      if abs(x - m) <= tol2 - 0.5 * (b - a) { break }
      var useGolden = true
      if abs(e) > tol1 {
        // Try a parabola through (v, fv), (w, fw), (x, fx).
        var r = (x - w) * (fx - fv)
        var q = (x - v) * (fx - fw)
        var p = (x - v) * q - (x - w) * r
        q = 2 * (q - r)
        if q > 0 { p = -p }
        q = abs(q)
        r = e
        e = d
        if abs(p) < abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x) {
          d = p / q
          let u = x + d
          if u - a < tol2 || b - u < tol2 { d = x < m ? tol1 : -tol1 }
          useGolden = false
        }
      }
      if useGolden {
        e = x >= m ? a - x : b - x
        d = golden * e
      }
      let u = abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1)
      let fu = f(u)
      if fu <= fx {
        if u >= x { a = x } else { b = x }
        v = w
        fv = fw
        w = x
        fw = fx
        x = u
        fx = fu
      } else {
        if u < x { a = u } else { b = u }
        if fu <= fw || w == x {
          v = w
          fv = fw
          w = u
          fw = fu
        } else if fu <= fv || v == x || v == w {
          v = u
          fv = fu
        }
      }
    }
    // Brent never evaluates the end points; the likelihood may peak there.
    let fUpper = f(upper)
    if fUpper < fx { return (upper, fUpper) }
    return (x, fx)
  }

  /// The Nelder–Mead simplex method (Nelder & Mead 1965; reflection 1,
  /// expansion 2, contraction ½, shrink ½), restarted once from its best
  /// point so a collapsed simplex cannot stop it early. Non-finite values of
  /// `f` count as +∞. Stops when the simplex spans less than
  /// `xTolerance` in every coordinate and its values differ by less than
  /// `fTolerance·(1 + |f|)`.
  static func nelderMead(
    start: [Double], step: [Double], xTolerance: Double = 1e-9, fTolerance: Double = 1e-13,
    maxEvaluations: Int = 4000, _ f: ([Double]) -> Double
  ) -> (x: [Double], value: Double) {
    func g(_ x: [Double]) -> Double {
      let y = f(x)
      return y.isFinite ? y : .infinity
    }
    var best = (x: start, value: g(start))
    for _ in 0..<2 {
      best = simplexSearch(
        start: best.x, step: step, xTolerance: xTolerance, fTolerance: fTolerance,
        maxEvaluations: maxEvaluations, g)
    }
    return best
  }

  private static func simplexSearch(
    start: [Double], step: [Double], xTolerance: Double, fTolerance: Double, maxEvaluations: Int,
    _ f: ([Double]) -> Double
  ) -> (x: [Double], value: Double) {
    let n = start.count
    var points = [start]
    for i in 0..<n {
      var p = start
      p[i] += step[i]
      points.append(p)
    }
    var values = points.map(f)
    var evaluations = n + 1
    func combine(_ a: [Double], _ b: [Double], _ t: Double) -> [Double] {
      // a + t·(b − a)
      (0..<n).map { a[$0] + t * (b[$0] - a[$0]) }
    }
    while evaluations < maxEvaluations {
      let order = (0...n).sorted { values[$0] < values[$1] }
      points = order.map { points[$0] }
      values = order.map { values[$0] }
      let spread = (0..<n).map { i in points.map { $0[i] }.max()! - points.map { $0[i] }.min()! }.max()!
      if spread <= xTolerance && values[n] - values[0] <= fTolerance * (1 + abs(values[0])) { break }
      if !values[0].isFinite { break }
      var centroid = [Double](repeating: 0, count: n)
      for p in points.dropLast() { for i in 0..<n { centroid[i] += p[i] / Double(n) } }
      let reflected = combine(centroid, points[n], -1)
      let fr = f(reflected)
      evaluations += 1
      if fr < values[0] {
        let expanded = combine(centroid, points[n], -2)
        let fe = f(expanded)
        evaluations += 1
        if fe < fr {
          points[n] = expanded
          values[n] = fe
        } else {
          points[n] = reflected
          values[n] = fr
        }
      } else if fr < values[n - 1] {
        points[n] = reflected
        values[n] = fr
      } else {
        let outside = fr < values[n]
        let contracted = combine(centroid, outside ? reflected : points[n], 0.5)
        let fc = f(contracted)
        evaluations += 1
        if fc < (outside ? fr : values[n]) {
          points[n] = contracted
          values[n] = fc
        } else {
          for j in 1...n {
            points[j] = combine(points[0], points[j], 0.5)
            values[j] = f(points[j])
          }
          evaluations += n
        }
      }
    }
    let i = values.indices.min { values[$0] < values[$1] }!
    return (points[i], values[i])
  }
}
