import Foundation

/// A radix-2 fast Fourier transform of real sequences, written for the autocorrelation function
/// (no FFT library is linked into lss).
///
/// A real sequence of even length M is packed into M/2 complex numbers z_k = x_{2k} + i x_{2k+1};
/// one complex FFT of length M/2 (iterative Cooley-Tukey, decimation in time, split real and
/// imaginary arrays) and an O(M) untangling step give the spectrum X_0 … X_{M/2}. This is the
/// standard "two for one" real-input trick (Press et al., Numerical Recipes, §12.3). The inverse
/// runs the same steps backwards for a Hermitian spectrum.
struct RealFourierTransform {
    /// The real length M, a power of two ≥ 4.
    let length: Int
    private let half: Int
    /// cos and sin of 2πk/M for k in 0..<M/2: the untangling twiddles; every second one is a
    /// twiddle of the half-length complex transform.
    private let cosines: [Double]
    private let sines: [Double]
    private let bitReversed: [Int32]

    init(length: Int) {
        precondition(length >= 4 && length & (length - 1) == 0, "RealFourierTransform: length must be a power of two ≥ 4")
        self.length = length
        half = length / 2
        cosines = (0..<half).map { cos(2 * Double.pi * Double($0) / Double(length)) }
        sines = (0..<half).map { sin(2 * Double.pi * Double($0) / Double(length)) }
        let bits = half.trailingZeroBitCount
        bitReversed = (0..<half).map { i in
            var r = 0, v = i
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return Int32(r)
        }
    }

    /// The smallest power of two ≥ max(n, 4).
    static func length(atLeast n: Int) -> Int {
        var m = 4
        while m < n { m <<= 1 }
        return m
    }

    /// |X_k|² for k = 0 … M/2 of `input` zero-padded to M, written into `power` (M/2 + 1 values).
    /// `re` and `im` are scratch of M/2 values each.
    func powerSpectrum(of input: UnsafeBufferPointer<Double>, into power: UnsafeMutablePointer<Double>,
                       re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        precondition(input.count <= length, "RealFourierTransform: input longer than the transform")
        for k in 0..<half {
            let a = 2 * k, b = a + 1
            re[k] = a < input.count ? input[a] : 0
            im[k] = b < input.count ? input[b] : 0
        }
        complexTransform(re: re, im: im, inverse: false)
        // X_k = E_k + W^k O_k with W = e^{-2πi/M}, E_k = (Z_k + conj Z_{h-k})/2, O_k = (Z_k − conj Z_{h-k})/(2i).
        for k in 0...half {
            let k1 = k % half, k2 = (half - k) % half
            let zr = re[k1], zi = im[k1], cr = re[k2], ci = -im[k2]
            let er = (zr + cr) / 2, ei = (zi + ci) / 2
            let or = (zi - ci) / 2, oi = -(zr - cr) / 2
            let (c, s) = k < half ? (cosines[k], sines[k]) : (-1.0, 0.0)
            // W^k = c − i s
            let xr = er + c * or + s * oi
            let xi = ei + c * oi - s * or
            power[k] = xr * xr + xi * xi
        }
    }

    /// The real sequence r_n = (1/M) Σ_k P_k e^{2πikn/M} of a real, even spectrum given as
    /// P_0 … P_{M/2}, written into `output` (M values). Scratch as in `powerSpectrum`.
    func inverseOfRealEven(_ spectrum: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>,
                           re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        // E_k = (P_k + P_{h-k})/2, O_k = (P_k − P_{h-k})/2 · W^{-k}; Z_k = E_k + i O_k.
        for k in 0..<half {
            let p = spectrum[k], q = spectrum[half - k]
            let e = (p + q) / 2, o = (p - q) / 2
            let c = cosines[k], s = sines[k]
            // O_k = o (c + i s)
            re[k] = e - o * s
            im[k] = o * c
        }
        complexTransform(re: re, im: im, inverse: true)
        let scale = 1 / Double(half)
        for k in 0..<half {
            output[2 * k] = re[k] * scale
            output[2 * k + 1] = im[k] * scale
        }
    }

    /// In-place complex DFT of length M/2 (unnormalized); `inverse` flips the sign of the exponent.
    private func complexTransform(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, inverse: Bool) {
        let n = half
        bitReversed.withUnsafeBufferPointer { rev in
            for i in 0..<n {
                let j = Int(rev[i])
                if i < j {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        // Size-2 butterflies need no twiddle.
        var i = 0
        while i + 1 < n {
            let ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1]
            re[i] = ar + br; im[i] = ai + bi
            re[i + 1] = ar - br; im[i + 1] = ai - bi
            i += 2
        }
        let sign: Double = inverse ? 1 : -1
        cosines.withUnsafeBufferPointer { cosTable in
            sines.withUnsafeBufferPointer { sinTable in
                // Sub-transforms of length `done` are complete. An odd number of remaining radix-2
                // stages starts with one plain stage; the rest go two at a time (radix 4), which
                // halves the passes over memory.
                var done = 2
                if n > 2 && (n.trailingZeroBitCount - 1) % 2 == 1 {
                    radix2Stage(size: 4, re: re, im: im, cosTable: cosTable, sinTable: sinTable, sign: sign)
                    done = 4
                }
                while done < n {
                    radix4Stage(quarter: done, re: re, im: im, cosTable: cosTable, sinTable: sinTable, sign: sign)
                    done *= 4
                }
            }
        }
    }

    /// Merges pairs of sub-transforms of length size/2 into length `size`.
    private func radix2Stage(size: Int, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>,
                             cosTable: UnsafeBufferPointer<Double>, sinTable: UnsafeBufferPointer<Double>,
                             sign: Double) {
        let halfSize = size / 2
        // Twiddle e^{∓2πij/size} = table entry at j · (M/size).
        let stride = length / size
        var start = 0
        while start < half {
            for j in 0..<halfSize {
                let wr = cosTable[j * stride], wi = sign * sinTable[j * stride]
                let a = start + j, b = a + halfSize
                let tr = wr * re[b] - wi * im[b]
                let ti = wr * im[b] + wi * re[b]
                re[b] = re[a] - tr; im[b] = im[a] - ti
                re[a] += tr; im[a] += ti
            }
            start += size
        }
    }

    /// Two radix-2 stages at once: merges four sub-transforms of length q into one of length 4q.
    /// With x0…x3 at offsets 0, q, 2q, 3q: the first stage pairs (x0, x1) and (x2, x3) with twiddle
    /// W_{2q}^j, the second (x0', x2') with W_{4q}^j and (x1', x3') with W_{4q}^{j+q} = ∓i W_{4q}^j.
    private func radix4Stage(quarter q: Int, re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>,
                             cosTable: UnsafeBufferPointer<Double>, sinTable: UnsafeBufferPointer<Double>,
                             sign: Double) {
        let size = 4 * q
        let stride1 = length / (2 * q), stride2 = length / size
        var start = 0
        while start < half {
            for j in 0..<q {
                let w1r = cosTable[j * stride1], w1i = sign * sinTable[j * stride1]
                let w2r = cosTable[j * stride2], w2i = sign * sinTable[j * stride2]
                // W_{4q}^{j+q} = W_{4q}^j · e^{∓iπ/2} = W_{4q}^j · (sign · i).
                let w3r = -sign * w2i, w3i = sign * w2r
                let a0 = start + j, a1 = a0 + q, a2 = a1 + q, a3 = a2 + q
                let x0r = re[a0], x0i = im[a0], x1r = re[a1], x1i = im[a1]
                let x2r = re[a2], x2i = im[a2], x3r = re[a3], x3i = im[a3]
                let t1r = w1r * x1r - w1i * x1i, t1i = w1r * x1i + w1i * x1r
                let t3r = w1r * x3r - w1i * x3i, t3i = w1r * x3i + w1i * x3r
                let b0r = x0r + t1r, b0i = x0i + t1i, b1r = x0r - t1r, b1i = x0i - t1i
                let b2r = x2r + t3r, b2i = x2i + t3i, b3r = x2r - t3r, b3i = x2i - t3i
                let u2r = w2r * b2r - w2i * b2i, u2i = w2r * b2i + w2i * b2r
                let u3r = w3r * b3r - w3i * b3i, u3i = w3r * b3i + w3i * b3r
                re[a0] = b0r + u2r; im[a0] = b0i + u2i
                re[a2] = b0r - u2r; im[a2] = b0i - u2i
                re[a1] = b1r + u3r; im[a1] = b1i + u3i
                re[a3] = b1r - u3r; im[a3] = b1i - u3i
            }
            start += size
        }
    }
}
