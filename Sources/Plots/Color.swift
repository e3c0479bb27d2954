/// An opaque sRGB colour.
public struct Color: Sendable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// "#rrggbb", as SVG and CSS write it.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for component in [red, green, blue] {
            text.append(digits[Int(component >> 4)])
            text.append(digits[Int(component & 0x0F)])
        }
        return text
    }

    public static let black = Color(hex: 0x000000)
    /// Dark grey for reference lines and text.
    public static let darkGray = Color(hex: 0x333333)
    /// Light grey for heatmap cells without a value (unvisited bins).
    public static let missingData = Color(hex: 0xD9D9D9)

    /// The Okabe-Ito palette (Okabe and Ito, 2008), distinguishable with every common colour-vision
    /// deficiency, ordered for series on a white background: blue, vermillion, bluish green, orange,
    /// reddish purple, sky blue, black, yellow (yellow last: it has the lowest contrast on white).
    public static let okabeIto: [Color] = [
        Color(hex: 0x0072B2), Color(hex: 0xD55E00), Color(hex: 0x009E73), Color(hex: 0xE69F00),
        Color(hex: 0xCC79A7), Color(hex: 0x56B4E9), Color(hex: 0x000000), Color(hex: 0xF0E442),
    ]
}
