import NeuralNet

/// Connected components of the directed graph with an edge i → j wherever C[i, j] > threshold.
///
/// Strong components by Tarjan's algorithm (1972) with an explicit stack, so a chain of thousands of
/// states cannot overflow the call stack; weak components by union of both edge directions and a
/// breadth-first search.
enum ConnectedComponents {
    static func sets(of matrix: DoubleMatrix, directed: Bool, threshold: Double) -> [[Int]] {
        let n = matrix.rows
        var adjacency = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for j in 0..<n where matrix.values[i * n + j] > threshold {
                if i != j {
                    adjacency[i].append(j)
                    if !directed { adjacency[j].append(i) }
                }
            }
        }
        var components = directed ? strong(adjacency) : weak(adjacency)
        for index in components.indices { components[index].sort() }
        components.sort { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        return components
    }

    /// Tarjan's strongly connected components, iteratively.
    private static func strong(_ adjacency: [[Int]]) -> [[Int]] {
        let n = adjacency.count
        var index = [Int](repeating: -1, count: n), lowLink = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack = [Int](), components = [[Int]]()
        var nextIndex = 0
        // Each frame of the explicit call stack: a vertex and the position of its next edge.
        var calls = [(vertex: Int, edge: Int)]()
        for root in 0..<n where index[root] < 0 {
            calls.append((root, 0))
            index[root] = nextIndex; lowLink[root] = nextIndex; nextIndex += 1
            stack.append(root); onStack[root] = true
            while let (v, e) = calls.last {
                if e < adjacency[v].count {
                    calls[calls.count - 1].edge += 1
                    let w = adjacency[v][e]
                    if index[w] < 0 {
                        index[w] = nextIndex; lowLink[w] = nextIndex; nextIndex += 1
                        stack.append(w); onStack[w] = true
                        calls.append((w, 0))
                    } else if onStack[w] {
                        lowLink[v] = min(lowLink[v], index[w])
                    }
                } else {
                    calls.removeLast()
                    if let parent = calls.last?.vertex { lowLink[parent] = min(lowLink[parent], lowLink[v]) }
                    if lowLink[v] == index[v] {
                        var component = [Int]()
                        while let w = stack.popLast() {
                            onStack[w] = false
                            component.append(w)
                            if w == v { break }
                        }
                        components.append(component)
                    }
                }
            }
        }
        return components
    }

    private static func weak(_ adjacency: [[Int]]) -> [[Int]] {
        let n = adjacency.count
        var seen = [Bool](repeating: false, count: n), components = [[Int]]()
        for root in 0..<n where !seen[root] {
            var component = [root], head = 0
            seen[root] = true
            while head < component.count {
                let v = component[head]; head += 1
                for w in adjacency[v] where !seen[w] { seen[w] = true; component.append(w) }
            }
            components.append(component)
        }
        return components
    }
}
