// ElementwiseCore: the buffers, training cache and loops shared by activations that map each element on its own.

/// What every elementwise activation shares, so that each activation's file
/// holds only its formula `y = f(x)` and its derivative `dx = f'(x)·dy`.
///
/// It owns the output and input-gradient buffers (allocated once, reshaped
/// per batch) and, after a training forward, keeps the input; `backward`
/// reads that input and this output, then forgets the input so a second
/// backward without a forward fails loudly.
final class ElementwiseCore {
  /// The forward's result, valid until the next forward.
  let output = Matrix(rows: 0, columns: 0)
  /// ∂L/∂input, valid until the next backward.
  let inputGradient = Matrix(rows: 0, columns: 0)
  /// The input of the last training forward (a reference: the previous
  /// layer keeps it unchanged until the next step).
  private(set) var input: Matrix?

  /// Reshapes the output to `x`'s shape and remembers `x` when training.
  func prepareForward(_ x: Matrix, training: Bool, size: Int, name: @autoclosure () -> String) -> Matrix {
    precondition(x.rows == size, "\(name()): input has \(x.rows) features, expected \(size)")
    output.reshape(rows: x.rows, columns: x.columns)
    input = training ? x : nil
    return output
  }

  /// Remembers `x` when training, for a forward whose result is `x` itself.
  func adopt(_ x: Matrix, training: Bool, size: Int, name: @autoclosure () -> String) {
    precondition(x.rows == size, "\(name()): input has \(x.rows) features, expected \(size)")
    input = training ? x : nil
  }

  /// `y = f(x)` for every element.
  func forward(
    _ x: Matrix, training: Bool, size: Int, name: @autoclosure () -> String, _ f: (Float) -> Float
  ) -> Matrix {
    let y = prepareForward(x, training: training, size: size, name: name())
    x.elements.withUnsafeBufferPointer { xs in
      y.elements.withUnsafeMutableBufferPointer { ys in
        for k in 0..<xs.count { ys[k] = f(xs[k]) }
      }
    }
    return y
  }

  /// Takes the cached input for a backward (the forward's output is
  /// ``output``); fails when no training forward came before.
  func takeInput(for dY: Matrix, name: @autoclosure () -> String) -> Matrix {
    guard let x = input else { preconditionFailure("\(name()): backward without a training forward") }
    precondition(
      dY.rows == x.rows && dY.columns == x.columns,
      "\(name()): output gradient is \(dY.rows)×\(dY.columns), output was \(x.rows)×\(x.columns)")
    input = nil
    return x
  }

  /// The empty matrix a layer returns when nothing needs ∂L/∂input.
  func noInputGradient() -> Matrix {
    inputGradient.reshape(rows: 0, columns: 0)
    return inputGradient
  }

  /// `dx = derivative(x, y, dy)` for every element, where `y` is the
  /// forward's output; returns the empty matrix when `needed` is false.
  func backward(
    _ dY: Matrix, needed: Bool, name: @autoclosure () -> String, _ derivative: (_ x: Float, _ y: Float, _ dy: Float) -> Float
  ) -> Matrix {
    let x = takeInput(for: dY, name: name())
    guard needed else { return noInputGradient() }
    inputGradient.reshape(rows: x.rows, columns: x.columns)
    x.elements.withUnsafeBufferPointer { xs in
      output.elements.withUnsafeBufferPointer { ys in
        dY.elements.withUnsafeBufferPointer { dys in
          inputGradient.elements.withUnsafeMutableBufferPointer { dxs in
            for k in 0..<xs.count { dxs[k] = derivative(xs[k], ys[k], dys[k]) }
          }
        }
      }
    }
    return inputGradient
  }
}
