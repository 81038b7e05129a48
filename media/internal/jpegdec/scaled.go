package jpegdec

import (
	"image"
	"math"
)

// bounds is the decoded image's rectangle at d's scale.
func (d *decoder) bounds() image.Rectangle {
	w, h := ScaledSize(d.width, d.height, d.scale)
	return image.Rect(0, 0, w, h)
}

// zigOf maps a coefficient's natural position to its zig-zag index, where
// the quantization tables keep it: the inverse of unzig.
var zigOf = func() (z [blockSize]int) {
	for zig, nat := range unzig {
		z[nat] = zig
	}
	return z
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

// idctScaled dequantizes b with qt (in zig-zag order) and writes its
// inverse DCT averaged over boxes of 8/s × 8/s pixels, level-shifted and
// clamped, as s × s pixels at dst with the given stride; s is 1, 2 or 4.
func idctScaled(b *block, qt *block, s int, dst []byte, stride int) {
	// The frequencies present: rows 0 to nv-1 and columns 0 to nu-1.
	nu, nv := 1, 1
	var f [8][8]int64
	for n, c := range b {
		if c != 0 {
			v, u := n/8, n%8
			f[v][u] = int64(c) * int64(qt[zigOf[n]])
			nu, nv = max(nu, u+1), max(nv, v+1)
		}
	}
	if nu == 1 && nv == 1 {
		// A flat block: its mean, ½·(1/√2) squared times DC, everywhere.
		c := clamp((f[0][0] + 4) >> 3)
		for k := range s {
			row := dst[k*stride : k*stride+s]
			for l := range row {
				row[l] = c
			}
		}
		return
	}
	t := &idctFactors[s]
	var tmp [8][4]int64
	// Rows: tmp[v][l] = Σu f[v][u]·t[l][u].
	for v := range nv {
		for l := range s {
			var sum int64
			for u := range nu {
				sum += f[v][u] * t[l][u]
			}
			tmp[v][l] = sum
		}
	}
	// Columns: out[k][l] = Σv tmp[v][l]·t[k][v].
	const shift = 2 * idctBits
	for k := range s {
		row := dst[k*stride : k*stride+s]
		for l := range row {
			var sum int64
			for v := range nv {
				sum += tmp[v][l] * t[k][v]
			}
			row[l] = clamp((sum + 1<<(shift-1)) >> shift)
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
