package imageproc

import "math"

// plane is one or more interleaved 8-bit channels: a grey or YCbCr
// plane (ch 1), or premultiplied RGBA (ch 4).
type plane struct {
	pix          []uint8
	w, h, stride int
	ch           int
}

// weightBits is the fixed-point precision of resampling weights.
const weightBits = 14

// filter is the weights of every output sample of one axis, n each,
// flattened: output x is the sum of inputs first[x] to first[x]+n-1
// weighted by w[x*n:x*n+n]. A window cut short by an edge is moved
// inside and padded with zero weights, so that every output has the
// same n and the loops over them have a fixed length.
type filter struct {
	n     int
	first []int
	w     []int32
}

// catmullRom is the Catmull-Rom cubic (B = 0, C = ½ in Mitchell and
// Netravali's family): sharp, without the ringing of Lanczos, the filter
// golang.org/x/image/draw calls CatmullRom.
func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// weights returns, for dst output samples from src input ones, the
// Catmull-Rom weights, the filter widened by the reduction so that every
// input sample counts (it is an area filter when shrinking), with at
// least minTaps taps if src has as many (the extra ones weigh 0).
func weights(src, dst, minTaps int) filter {
	scale := float64(src) / float64(dst)
	support := 2 * max(scale, 1)
	window := func(x int) (lo, hi int) {
		center := (float64(x)+0.5)*scale - 0.5
		return max(0, int(math.Floor(center-support))+1), min(src-1, int(math.Ceil(center+support))-1)
	}
	n := 1
	for x := range dst {
		lo, hi := window(x)
		n = max(n, hi-lo+1)
	}
	n = min(max(n, minTaps), src)
	f := filter{n: n, first: make([]int, dst), w: make([]int32, dst*n)}
	fw := make([]float64, n)
	for x := range dst {
		center := (float64(x)+0.5)*scale - 0.5
		lo, hi := window(x)
		first := max(0, min(lo, src-n))
		f.first[x] = first
		var sum float64
		for i := lo; i <= hi; i++ {
			fw[i-lo] = catmullRom((float64(i) - center) / max(scale, 1))
			sum += fw[i-lo]
		}
		w := f.w[x*n : x*n+n]
		var total int32
		peak := lo - first
		for i := lo; i <= hi; i++ {
			k := i - first
			w[k] = int32(math.Round(fw[i-lo] / sum * (1 << weightBits)))
			total += w[k]
			if w[k] > w[peak] {
				peak = k
			}
		}
		w[peak] += 1<<weightBits - total // the weights sum to exactly one
	}
	return f
}

// clamp8 rounds a fixed-point sum and clamps it to a byte.
func clamp8(v int32) uint8 {
	v = (v + 1<<(weightBits-1)) >> weightBits
	return uint8(min(max(v, 0), 255))
}

// resample scales p to w × h: across each row, then down each column.
// Its working memory is w × p.h samples, the rows scaled across.
func resample(p plane, w, h int) plane {
	r := newResampler(p, w, h)
	r.advance(p.h)
	return r.out
}

// resampler is resample done as p's rows become final, from the top:
// each call of advance scales across the rows that have become so and
// makes the output rows whose filter window they complete, so that a
// decoder's rows are resampled while it decodes the next ones.
type resampler struct {
	src, across, out plane
	xf, yf           filter
	// nAcross and nOut are the rows of across and out made so far.
	nAcross, nOut int
	sums          []int32
}

func newResampler(p plane, w, h int) *resampler {
	ch := p.ch
	return &resampler{
		src:    p,
		across: plane{pix: make([]uint8, w*p.h*ch), w: w, h: p.h, stride: w * ch, ch: ch},
		out:    plane{pix: make([]uint8, w*h*ch), w: w, h: h, stride: w * ch, ch: ch},
		// Eight taps across, as a shrink by up to 2 has (a JPEG is
		// decoded at the least scale that covers the widest variant,
		// and a variant made from a wider one is half as wide).
		xf:   weights(p.w, w, 8),
		yf:   weights(p.h, h, 0),
		sums: make([]int32, w*ch),
	}
}

// advance resamples with the first final rows of the source final, and
// returns the number of output rows made, all once final is p.h.
func (r *resampler) advance(final int) int {
	for ; r.nAcross < final; r.nAcross++ {
		r.scaleAcross(r.nAcross)
	}
	for r.nOut < r.out.h && r.yf.first[r.nOut]+r.yf.n <= r.nAcross {
		r.scaleDown(r.nOut)
		r.nOut++
	}
	return r.nOut
}

// scaleAcross scales row y of the source across into r.across.
func (r *resampler) scaleAcross(y int) {
	p, xf, ch := r.src, r.xf, r.src.ch
	n := xf.n
	src := p.pix[y*p.stride:][:p.w*ch]
	dst := r.across.pix[y*r.across.stride:][:r.across.w*ch]
	if ch == 1 && n == 8 {
		// The products written out, one bounds check, no inner loop.
		for x, first := range xf.first {
			ws := (*[8]int32)(xf.w[x*8:])
			s := (*[8]uint8)(src[first:])
			dst[x] = clamp8(int32(s[0])*ws[0] + int32(s[1])*ws[1] + int32(s[2])*ws[2] + int32(s[3])*ws[3] +
				int32(s[4])*ws[4] + int32(s[5])*ws[5] + int32(s[6])*ws[6] + int32(s[7])*ws[7])
		}
		return
	}
	if ch == 1 {
		// One channel, the usual case (Y, Cb, Cr planes): without
		// the channel loop.
		for x, first := range xf.first {
			ws := xf.w[x*n:][:n]
			s := src[first:][:len(ws)]
			var sum int32
			for k, wt := range ws {
				sum += int32(s[k]) * wt
			}
			dst[x] = clamp8(sum)
		}
		return
	}
	for x, first := range xf.first {
		ws := xf.w[x*n:][:n]
		for c := range ch {
			var sum int32
			i := first*ch + c
			for _, wt := range ws {
				sum += int32(src[i]) * wt
				i += ch
			}
			dst[x*ch+c] = clamp8(sum)
		}
	}
}

// scaleDown makes output row y from the rows of r.across under its
// filter window.
func (r *resampler) scaleDown(y int) {
	across, sums := r.across, r.sums
	first := r.yf.first[y]
	ws := r.yf.w[y*r.yf.n:][:r.yf.n]
	clear(sums)
	// Two rows at a time: half the passes over sums.
	k := 0
	for ; k+1 < len(ws); k += 2 {
		w0, w1 := ws[k], ws[k+1]
		if w0 == 0 && w1 == 0 {
			continue
		}
		r0 := across.pix[(first+k)*across.stride:][:len(sums)]
		r1 := across.pix[(first+k+1)*across.stride:][:len(sums)]
		for i := range sums {
			sums[i] += int32(r0[i])*w0 + int32(r1[i])*w1
		}
	}
	if k < len(ws) && ws[k] != 0 {
		wt := ws[k]
		row := across.pix[(first+k)*across.stride:][:len(sums)]
		for i := range sums {
			sums[i] += int32(row[i]) * wt
		}
	}
	dst := r.out.pix[y*r.out.stride:][:len(sums)]
	for i, s := range sums {
		dst[i] = clamp8(s)
	}
}
