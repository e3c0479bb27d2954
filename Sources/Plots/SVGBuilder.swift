/// Appends SVG elements to a string, escaping all text and attribute values.
struct SVGBuilder {
    private(set) var text = ""

    init() { text.reserveCapacity(64 * 1024) }

    /// `<name a="v" .../>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        text += "<" + name
        appendAttributes(attributes)
        text += "/>\n"
    }

    /// `<name a="v">`; close with `close(name)`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        text += "<" + name
        appendAttributes(attributes)
        text += ">\n"
    }

    mutating func close(_ name: String) { text += "</" + name + ">\n" }

    /// `<text ...>content</text>` (or another element with text content).
    mutating func textElement(_ attributes: [(String, String)], content: String, name: String = "text") {
        text += "<" + name
        appendAttributes(attributes)
        text += ">" + SVGBuilder.escape(content) + "</" + name + ">\n"
    }

    mutating func raw(_ fragment: String) { text += fragment }

    private mutating func appendAttributes(_ attributes: [(String, String)]) {
        for (name, value) in attributes {
            text += " " + name + "=\"" + SVGBuilder.escape(value) + "\""
        }
    }

    /// XML escaping of &, <, >, " and ', and removal of the control characters XML 1.0 forbids.
    static func escape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(" ")
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension NumberText {
    /// Short alias for SVG coordinates.
    @inline(__always) static func c(_ value: Double) -> String { coordinate(value) }
}
