package jpegcodec

import (
	"image"
	"math"
)

// bounds is the decoded image's rectangle at d's scale.
func (d *decoder) bounds() image.Rectangle {
	w, h := ScaledSize(d.width, d.height, d.scale)
	return image.Rect(0, 0, w, h)
}

// setNaturalQuant puts the quantization tables in natural order, the
// order of a block's coefficients, in d.quantNat (d.quant keeps them in
// zig-zag order), for idctScaled, and makes d.quant2 from them.
func (d *decoder) setNaturalQuant() {
	for tq := range d.quant {
		for zig, nat := range unzig {
			d.quantNat[tq][nat] = d.quant[tq][zig]
			d.quant2[tq][zig] = int64(math.Round(float64(d.quant[tq][zig]) * idct2Factors[nat%8] * idct2Factors[nat/8] * (1 << idct2Bits)))
		}
	}
}

// idct2Bits is the fixed-point precision of decoder.quant2.
const idct2Bits = 26

// idct2Factors[u] is what frequency u adds, along one axis, to the first
// of the two samples of a block decoded at 2/8 (idctFactors[2][0] as a
// float); the second takes the same with the sign of the odd ones
// flipped. The even ones but 0 add nothing: their cosines sum to zero
// over each half of the block. Squared, the DC's is 1/8: the block's
// mean, the one sample at 1/8.
var idct2Factors = func() (t [8]float64) {
	for u := range 8 {
		c := 1.0
		if u == 0 {
			c = 1 / math.Sqrt2
		}
		var sum float64
		for x := range 4 {
			sum += math.Cos(float64((2*x+1)*u) * math.Pi / 16)
		}
		if math.Abs(sum) > 1e-9 {
			t[u] = 0.5 * c * sum / 4
		}
	}
	return t
}()

// sums is a block decoded at 2/8 or 1/8 while its coefficients are
// decoded, with no block stored, zeroed or transformed: each sample of
// it is the sum of four partial sums, over the DC (acc[0]), the odd
// frequencies of the first row (acc[1]), of the first column (acc[2]),
// and of both (acc[3]), with the signs that the sample's side of the
// block gives them; the even frequencies but the DC add nothing (see
// idct2Factors). At 1/8 the one sample is the DC's part.
type sums struct {
	acc [4]int64
	// w is the block's quantization table times idct2Factors along both
	// axes, in zig-zag order (decoder.quant2).
	w *[blockSize]int64
}

// zigClass[z] is the partial sum of sums the coefficient at zig-zag
// index z adds to: bit 0 set for an odd column, bit 1 for an odd row.
var zigClass = func() (t [blockSize]uint8) {
	for z, n := range unzig {
		t[z] = uint8(n%8%2 | n/8%2<<1)
	}
	return t
}()

// add adds the coefficient v at zig-zag index zig.
func (s *sums) add(zig, v int32) {
	s.acc[zigClass[zig&63]&3] += int64(v) * s.w[zig&63]
}

// put writes the block's scale × scale samples (scale 1 or 2),
// level-shifted and clamped, at dst with the given stride.
func (s *sums) put(scale int, dst []byte, stride int) {
	const round = 1 << (idct2Bits - 1)
	dc, row0, col0, odd := s.acc[0]+round, s.acc[1], s.acc[2], s.acc[3]
	if scale == 1 {
		dst[0] = clamp(dc >> idct2Bits)
		return
	}
	top, bottom := dst[:2], dst[stride:stride+2]
	top[0] = clamp((dc + row0 + col0 + odd) >> idct2Bits)
	top[1] = clamp((dc - row0 + col0 - odd) >> idct2Bits)
	bottom[0] = clamp((dc + row0 - col0 - odd) >> idct2Bits)
	bottom[1] = clamp((dc - row0 - col0 + odd) >> idct2Bits)
}

// zigBounds[z] is the number of columns and rows spanned by the
// coefficients at zig-zag indices 0 to z.
var zigBounds = func() (t [blockSize][2]uint8) {
	var nu, nv uint8
	for z, n := range unzig {
		nu, nv = max(nu, uint8(n%8+1)), max(nv, uint8(n/8+1))
		t[z] = [2]uint8{nu, nv}
	}
	return t
}()

// idctBits is the fixed-point precision of the reduced IDCT's factors.
const idctBits = 13

// idctFactors[s][k][u] is what frequency u (of 8) adds to output sample
// k of s along one axis, in fixed point: ½·C(u)·cos((2x+1)uπ/16), the
// JPEG inverse DCT (ITU T.81 A.3.3), averaged over the 8/s pixels x that
// the sample covers; C(0) = 1/√2 and C(u) = 1 otherwise. A block decoded
// with these is the full-size block averaged over boxes, exactly but for
// rounding and clamping, at a cost that falls with the number of
// frequencies present: the high ones that are zero in most blocks of a
// photo are skipped.
var idctFactors = func() (t [5][4][8]int64) {
	for _, s := range []int{1, 2, 4} {
		n := 8 / s
		for k := range s {
			for u := range 8 {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				var sum float64
				for x := k * n; x < k*n+n; x++ {
					sum += math.Cos(float64((2*x+1)*u) * math.Pi / 16)
				}
				t[s][k][u] = int64(math.Round(0.5 * c * sum / float64(n) * (1 << idctBits)))
			}
		}
	}
	return t
}()

// idctScaled dequantizes b with qt (in natural order) and writes its
// inverse DCT averaged over boxes of 8/s × 8/s pixels, level-shifted and
// clamped, as s × s pixels at dst with the given stride; s is 4 (sums
// does 2 and 1 for less).
//
// Each axis uses the symmetry of the cosines about the block's centre:
// output k and output s-1-k take the even frequencies with the same
// factors and the odd ones with opposite signs, which halves the work.
func idctScaled(b *block, last int32, qt *[blockSize]int32, s int, dst []byte, stride int) {
	// The frequencies present: rows 0 to nv-1 and columns 0 to nu-1, up
	// to the last non-zero coefficient in zig-zag order, past which a
	// photo's blocks are mostly zeros.
	for last > 0 && b[unzig[last]] == 0 {
		last--
	}
	if last == 0 {
		// A flat block: its mean, ½·(1/√2) squared times DC, everywhere.
		c := clamp((int64(b[0]*qt[0]) + 4) >> 3)
		for k := range s {
			row := dst[k*stride : k*stride+s]
			for l := range row {
				row[l] = c
			}
		}
		return
	}
	nu, nv := int(zigBounds[last][0]), int(zigBounds[last][1])
	t := &idctFactors[s]
	half := s / 2
	var tmp [8][4]int64
	// Rows: tmp[v][l] = Σu f[v][u]·t[l][u].
	for v := range nv {
		row, q := b[v*8:v*8+8], qt[v*8:v*8+8]
		for l := range half {
			tl := &t[l]
			var even, odd int64
			for u := 0; u < nu; u += 2 {
				even += int64(row[u]*q[u]) * tl[u]
			}
			for u := 1; u < nu; u += 2 {
				odd += int64(row[u]*q[u]) * tl[u]
			}
			tmp[v][l], tmp[v][s-1-l] = even+odd, even-odd
		}
	}
	// Columns: out[k][l] = Σv tmp[v][l]·t[k][v].
	const shift = 2 * idctBits
	const round = 1 << (shift - 1)
	for k := range half {
		tk := &t[k]
		top := dst[k*stride : k*stride+s]
		bottom := dst[(s-1-k)*stride : (s-1-k)*stride+s]
		for l := range s {
			var even, odd int64
			for v := 0; v < nv; v += 2 {
				even += tmp[v][l] * tk[v]
			}
			for v := 1; v < nv; v += 2 {
				odd += tmp[v][l] * tk[v]
			}
			top[l] = clamp((even + odd + round) >> shift)
			bottom[l] = clamp((even - odd + round) >> shift)
		}
	}
}

// clamp level-shifts a sample by +128 and clamps it to a byte.
func clamp(c int64) uint8 {
	switch {
	case c < -128:
		return 0
	case c > 127:
		return 255
	}
	return uint8(c + 128)
}
