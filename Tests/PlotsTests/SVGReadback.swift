import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of a parsed SVG document.
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [SVGNode] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }

    /// This node and all below it, in document order.
    var descendants: [SVGNode] { [self] + children.flatMap(\.descendants) }

    func all(_ name: String) -> [SVGNode] { descendants.filter { $0.name == name } }

    func all(class className: String) -> [SVGNode] { descendants.filter { $0.classes.contains(className) } }

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }

    /// The text of this element and its children.
    var allText: String { text + children.map(\.allText).joined() }
}

struct SVGParseFailure: Error, CustomStringConvertible {
    var description: String
}

/// Parses with Foundation's XMLParser: any well-formedness error throws.
func parseSVG(_ text: String) throws -> SVGNode {
    let delegate = TreeBuilder()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = delegate
    guard parser.parse(), let root = delegate.root else {
        throw SVGParseFailure(description: "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "no root element") at line \(parser.lineNumber)")
    }
    return root
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: SVGNode?
    private var stack: [SVGNode] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        let node = SVGNode(name: elementName, attributes: attributes)
        if let parent = stack.last { parent.children.append(node) } else { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}

/// "x,y x,y ..." of a polyline or polygon.
func points(of node: SVGNode) -> [(x: Double, y: Double)] {
    (node.attributes["points"] ?? "").split(separator: " ").compactMap { pair in
        let parts = pair.split(separator: ",").compactMap { Double($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }
}

/// The number a tick label shows: plain decimals, "m×10ⁿ" or "10ⁿ", with U+2212 minus signs.
func labelValue(_ label: String) -> Double? {
    let superscripts: [Character: Character] = ["⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5",
                                                "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"]
    let text = label.replacingOccurrences(of: "\u{2212}", with: "-")
    let mantissaText: String, powerText: String
    if let times = text.range(of: "\u{00D7}10") {
        mantissaText = String(text[..<times.lowerBound])
        powerText = String(text[times.upperBound...])
    } else if text.hasPrefix("10") || text.hasPrefix("-10"), let ten = text.range(of: "10"),
              !text[ten.upperBound...].isEmpty, text[ten.upperBound...].allSatisfy({ superscripts[$0] != nil }) {
        mantissaText = text.hasPrefix("-") ? "-1" : "1"
        powerText = String(text[ten.upperBound...])
    } else {
        return Double(text)
    }
    guard powerText.allSatisfy({ superscripts[$0] != nil }),
          let mantissa = Double(mantissaText), let exponent = Double(String(powerText.compactMap { superscripts[$0] })) else {
        return nil
    }
    return mantissa * pow(10, exponent)
}

/// Reads an axis back from what a reader sees: the tick marks' pixel positions and their labels.
/// The fit through all ticks inverts the axis transform (linear in the value, or in log10 of it).
struct AxisReadback {
    let slope: Double
    let intercept: Double
    let logarithmic: Bool

    /// `ticks` are the <g class="xtick|ytick"> groups; `coordinate` is "x1" or "y1".
    init?(ticks: [SVGNode], coordinate: String, logarithmic: Bool) {
        let pairs: [(Double, Double)] = ticks.compactMap { tick in
            guard let line = tick.all("line").first, let pixel = line.number(coordinate),
                  let label = tick.all("text").first, let value = labelValue(label.allText) else { return nil }
            return (pixel, logarithmic ? log10(value) : value)
        }
        guard pairs.count >= 2 else { return nil }
        let (p0, v0) = pairs.first!, (p1, v1) = pairs.last!
        slope = (v1 - v0) / (p1 - p0)
        intercept = v0 - slope * p0
        self.logarithmic = logarithmic
    }

    func value(atPixel pixel: Double) -> Double {
        let linear = intercept + slope * pixel
        return logarithmic ? pow(10, linear) : linear
    }

    func pixel(of value: Double) -> Double {
        ((logarithmic ? log10(value) : value) - intercept) / slope
    }
}

/// No attribute (coordinates, sizes, paths) holds "nan" or "inf" in any spelling.
func expectNoNonFiniteNumbers(_ root: SVGNode, sourceLocation: SourceLocation = #_sourceLocation) {
    for node in root.descendants {
        for (name, value) in node.attributes where name != "class" && name != "font-family" && !name.hasPrefix("data-") {
            let lower = value.lowercased()
            #expect(!lower.contains("nan") && !lower.contains("inf"), "\(node.name) \(name)=\(value)",
                    sourceLocation: sourceLocation)
        }
    }
}
