// ImageGridSVG: greyscale images laid out in a grid, as a self-contained SVG file.

/// Draws greyscale images as an SVG grid: one `<rect>` per pixel with a
/// grey fill, images in rows of `columns`, optional labels above each row.
///
/// - Parameters:
///   - images: each image's pixels, row-major, values in [0, 1] (clamped).
///   - width: pixels per image row.
///   - height: pixel rows per image.
///   - columns: images per grid row.
///   - pixelSize: the side of a pixel in SVG units.
///   - rowLabels: a caption per grid row (optional).
/// - Returns: the SVG document.
public func imageGridSVG(
  _ images: [[Float]], width: Int, height: Int, columns: Int, pixelSize: Int = 4, rowLabels: [String] = []
) -> String {
  precondition(images.allSatisfy { $0.count == width * height }, "imageGridSVG: an image is not \(width)×\(height)")
  let gap = 2 * pixelSize
  let label = rowLabels.isEmpty ? 0 : 14
  let cellWidth = width * pixelSize + gap, cellHeight = height * pixelSize + gap + label
  let rows = (images.count + columns - 1) / max(columns, 1)
  var svg = """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(columns * cellWidth + gap)" height="\(rows * cellHeight + gap)" \
    shape-rendering="crispEdges">
    <rect width="100%" height="100%" fill="white"/>

    """
  for (row, text) in rowLabels.enumerated() where row < rows {
    svg += "<text x=\"\(gap)\" y=\"\(row * cellHeight + gap + 10)\" font-family=\"sans-serif\" font-size=\"11\">\(text)</text>\n"
  }
  for (k, image) in images.enumerated() {
    let x0 = gap + (k % columns) * cellWidth, y0 = gap + (k / columns) * cellHeight + label
    // A black tile, then only the pixels that are not black: MNIST is mostly background, so the file stays small.
    svg += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(width * pixelSize)\" height=\"\(height * pixelSize)\" fill=\"black\"/>\n"
    for y in 0..<height {
      for x in 0..<width {
        let v = min(max(image[y * width + x], 0), 1)
        let grey = Int((v * 255).rounded())
        if grey == 0 { continue }
        svg += "<rect x=\"\(x0 + x * pixelSize)\" y=\"\(y0 + y * pixelSize)\" width=\"\(pixelSize)\" height=\"\(pixelSize)\" fill=\"rgb(\(grey),\(grey),\(grey))\"/>\n"
      }
    }
  }
  return svg + "</svg>\n"
}
