import Foundation

/// A small XML tag scanner for OpenMM's state files: it walks the tags of a document held in memory
/// and reports each one's kind, name and attributes as byte ranges, without building strings.
///
/// It understands what OpenMM's serializer writes and what XML allows around it: the declaration,
/// comments, CDATA, DOCTYPE, text between tags (ignored), single or double quotes, and whitespace
/// anywhere XML permits it. Entities in attribute values are not expanded, which only matters for
/// text attributes the state reader does not use. Anything it cannot make sense of is a `Failure`
/// with the byte offset, never a crash: every index is checked against the buffer.
struct OpenMMXMLScanner {
    enum TagKind { case open, close, empty }

    struct Attribute {
        var name: Range<Int>
        var value: Range<Int>
    }

    struct Tag {
        var kind = TagKind.open
        var name = 0 ..< 0
        var attributes: [Attribute] = []
        /// Offset of the '<' that starts the tag, for error messages.
        var start = 0
    }

    struct Failure: Error {
        var offset: Int
        var message: String
    }

    /// The document. It must be followed in memory by at least one 0 byte (not counted), so that
    /// C number parsing stops inside the buffer.
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Reads the next tag into `tag` (reusing its attribute storage); false at the end of the text.
    mutating func next(into tag: inout Tag) throws(Failure) -> Bool {
        while true {
            guard let open = find(UInt8(ascii: "<"), from: offset) else {
                offset = bytes.count
                return false
            }
            offset = open + 1
            let first = byte(at: offset)
            if first == UInt8(ascii: "?") {
                offset = try skip(past: "?>", from: offset, what: "processing instruction", start: open)
            } else if first == UInt8(ascii: "!") {
                if starts(with: "!--", at: offset) {
                    offset = try skip(past: "-->", from: offset + 3, what: "comment", start: open)
                } else if starts(with: "![CDATA[", at: offset) {
                    offset = try skip(past: "]]>", from: offset + 8, what: "CDATA section", start: open)
                } else {
                    offset = try skip(past: ">", from: offset, what: "declaration", start: open)
                }
            } else {
                try readTag(startingAt: open, into: &tag)
                return true
            }
        }
    }

    private mutating func readTag(startingAt start: Int, into tag: inout Tag) throws(Failure) {
        tag.start = start
        tag.attributes.removeAll(keepingCapacity: true)
        var position = start + 1
        let closing = byte(at: position) == UInt8(ascii: "/")
        if closing { position += 1 }
        tag.name = readName(from: position)
        guard !tag.name.isEmpty else { throw Failure(offset: start, message: "a tag without a name") }
        position = tag.name.upperBound
        while true {
            position = skipSpace(from: position)
            let current = byte(at: position)
            if current == UInt8(ascii: ">") {
                tag.kind = closing ? .close : .open
                offset = position + 1
                return
            }
            if current == UInt8(ascii: "/"), byte(at: position + 1) == UInt8(ascii: ">"), !closing {
                tag.kind = .empty
                offset = position + 2
                return
            }
            guard position < bytes.count else { throw Failure(offset: start, message: "a tag that is never closed with '>'") }
            guard !closing else { throw Failure(offset: position, message: "unexpected text in a closing tag") }
            let name = readName(from: position)
            guard !name.isEmpty else { throw Failure(offset: position, message: "unexpected character in a tag") }
            position = skipSpace(from: name.upperBound)
            guard byte(at: position) == UInt8(ascii: "=") else {
                throw Failure(offset: position, message: "attribute \(text(name)) has no '=' and value")
            }
            position = skipSpace(from: position + 1)
            let quote = byte(at: position)
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw Failure(offset: position, message: "the value of attribute \(text(name)) is not in quotes")
            }
            guard let end = find(quote, from: position + 1) else {
                throw Failure(offset: position, message: "the value of attribute \(text(name)) has no closing quote")
            }
            tag.attributes.append(Attribute(name: name, value: (position + 1) ..< end))
            position = end + 1
        }
    }

    // MARK: - Byte helpers (all bounds-checked)

    /// The byte at `index`, or 0 past the end.
    @inline(__always) func byte(at index: Int) -> UInt8 {
        index >= 0 && index < bytes.count ? bytes[index] : 0
    }

    func find(_ target: UInt8, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(target), bytes.count - start) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    func starts(with literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= bytes.count, let base = bytes.baseAddress else { return false }
        return memcmp(base + index, literal.utf8Start, count) == 0
    }

    /// True when the bytes in `range` are exactly `literal`.
    func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && starts(with: literal, at: range.lowerBound)
    }

    private func skip(past terminator: StaticString, from start: Int, what: String, start tagStart: Int) throws(Failure) -> Int {
        var position = start
        let first = terminator.utf8Start.pointee
        while let hit = find(first, from: position) {
            if starts(with: terminator, at: hit) { return hit + terminator.utf8CodeUnitCount }
            position = hit + 1
        }
        throw Failure(offset: tagStart, message: "a \(what) that never ends")
    }

    private func skipSpace(from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return position
            }
        }
        return position
    }

    /// The name starting at `start`: every byte up to whitespace, '=', '/', '>', a quote or '<'.
    private func readName(from start: Int) -> Range<Int> {
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "="), UInt8(ascii: "/"), UInt8(ascii: ">"),
                 UInt8(ascii: "<"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0:
                return start ..< position
            default: position += 1
            }
        }
        return start ..< position
    }

    /// The bytes of `range` as text, for messages.
    func text(_ range: Range<Int>) -> String {
        let clamped = range.clamped(to: 0 ..< bytes.count)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[clamped.prefix(80)]), as: UTF8.self)
    }

    /// 1-based line number of `offset`, for messages.
    func line(of offset: Int) -> Int {
        var line = 1
        for index in 0 ..< min(offset, bytes.count) where bytes[index] == 0x0A { line += 1 }
        return line
    }
}
