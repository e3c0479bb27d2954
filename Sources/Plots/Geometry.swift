/// A point in axis fractions (0…1 across the plot area, y up) or in pixels.
struct Point: Equatable {
    var x: Double
    var y: Double
}

struct Rect {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ point: Point) -> Bool {
        point.x >= x && point.x <= maxX && point.y >= y && point.y <= maxY
    }
}

enum LineGeometry {
    /// The polylines that remain visible when `points` are joined in order: a nil point is a gap that
    /// breaks the line, and each segment is clipped to [low, high]² (Liang-Barsky), so a line that
    /// leaves the plot and comes back becomes two polylines and no coordinate is ever far outside.
    static func visiblePolylines(_ points: [Point?], low: Double = 0, high: Double = 1) -> [[Point]] {
        var result: [[Point]] = []
        var current: [Point] = []
        func flush() {
            if current.count >= 2 { result.append(current) }
            current.removeAll(keepingCapacity: true)
        }
        var previous: Point? = nil
        for point in points {
            guard let point else { flush(); previous = nil; continue }
            defer { previous = point }
            guard let start = previous else { continue }
            guard let (a, b) = clip(start, point, low: low, high: high) else { flush(); continue }
            if let last = current.last, last == a {
                current.append(b)
            } else {
                flush()
                current = [a, b]
            }
        }
        flush()
        return result
    }

    /// Liang-Barsky clipping of the segment a→b to the square [low, high]²; nil when nothing is inside.
    /// An endpoint inside the square is returned unchanged (bit for bit), which lets polylines join.
    static func clip(_ a: Point, _ b: Point, low: Double, high: Double) -> (Point, Point)? {
        let dx = b.x - a.x, dy = b.y - a.y
        var t0 = 0.0, t1 = 1.0
        let edges: [(Double, Double)] = [(-dx, a.x - low), (dx, high - a.x), (-dy, a.y - low), (dy, high - a.y)]
        for (p, q) in edges {
            if p == 0 {
                if q < 0 { return nil }
                continue
            }
            let t = q / p
            if p < 0 {
                if t > t1 { return nil }
                if t > t0 { t0 = t }
            } else {
                if t < t0 { return nil }
                if t < t1 { t1 = t }
            }
        }
        let start = t0 == 0 ? a : Point(x: a.x + t0 * dx, y: a.y + t0 * dy)
        let end = t1 == 1 ? b : Point(x: a.x + t1 * dx, y: a.y + t1 * dy)
        return (start, end)
    }

    /// Fewer vertices, same picture: within each run of consecutive points in one pixel column, keeps
    /// the first, lowest, highest and last (M4 aggregation, Jugel et al., VLDB 2014), so the
    /// rasterised line is unchanged while 10⁵ points shrink to a few per column. Applied only when a
    /// polyline has more than `threshold` vertices.
    static func decimated(_ pixels: [Point], threshold: Int) -> [Point] {
        guard pixels.count > threshold, pixels.count > 4 else { return pixels }
        var result: [Point] = []
        result.reserveCapacity(min(pixels.count, 4 * threshold))
        var start = 0
        while start < pixels.count {
            let column = pixels[start].x.rounded(.down)
            var end = start, lowest = start, highest = start
            while end + 1 < pixels.count, pixels[end + 1].x.rounded(.down) == column {
                end += 1
                if pixels[end].y < pixels[lowest].y { lowest = end }
                if pixels[end].y > pixels[highest].y { highest = end }
            }
            for index in Set([start, lowest, highest, end]).sorted() { result.append(pixels[index]) }
            start = end + 1
        }
        return result
    }
}
