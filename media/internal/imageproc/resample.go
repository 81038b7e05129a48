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

// taps are the weights for one output sample: first is the first input
// sample they apply to.
type taps struct {
	first int
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

// weights returns, for each of dst output samples from src input ones,
// the Catmull-Rom weights, the filter widened by the reduction so that
// every input sample counts (it is an area filter when shrinking).
func weights(src, dst int) []taps {
	scale := float64(src) / float64(dst)
	support := 2 * max(scale, 1)
	out := make([]taps, dst)
	for x := range out {
		center := (float64(x)+0.5)*scale - 0.5
		lo := max(0, int(math.Floor(center-support))+1)
		hi := min(src-1, int(math.Ceil(center+support))-1)
		fw := make([]float64, hi-lo+1)
		var sum float64
		for i := range fw {
			fw[i] = catmullRom((float64(lo+i) - center) / max(scale, 1))
			sum += fw[i]
		}
		t := taps{first: lo, w: make([]int32, len(fw))}
		var total int32
		peak := 0
		for i, f := range fw {
			t.w[i] = int32(math.Round(f / sum * (1 << weightBits)))
			total += t.w[i]
			if t.w[i] > t.w[peak] {
				peak = i
			}
		}
		t.w[peak] += 1<<weightBits - total // the weights sum to exactly one
		out[x] = t
	}
	return out
}

// clamp8 rounds a fixed-point sum and clamps it to a byte.
func clamp8(v int32) uint8 {
	v = (v + 1<<(weightBits-1)) >> weightBits
	return uint8(min(max(v, 0), 255))
}

// resample scales p to w × h: across each row, then down each column.
// Its working memory is w × p.h samples, the rows scaled across.
func resample(p plane, w, h int) plane {
	ch := p.ch
	across := plane{pix: make([]uint8, w*p.h*ch), w: w, h: p.h, stride: w * ch, ch: ch}
	xt := weights(p.w, w)
	for y := range p.h {
		src := p.pix[y*p.stride:]
		dst := across.pix[y*across.stride:]
		if ch == 1 {
			// One channel, the usual case (Y, Cb, Cr planes): without
			// the channel loop.
			for x, t := range xt {
				var sum int32
				for k, wt := range t.w {
					sum += int32(src[t.first+k]) * wt
				}
				dst[x] = clamp8(sum)
			}
			continue
		}
		for x, t := range xt {
			for c := range ch {
				var sum int32
				i := t.first*ch + c
				for _, wt := range t.w {
					sum += int32(src[i]) * wt
					i += ch
				}
				dst[x*ch+c] = clamp8(sum)
			}
		}
	}
	out := plane{pix: make([]uint8, w*h*ch), w: w, h: h, stride: w * ch, ch: ch}
	sums := make([]int32, w*ch)
	for y, t := range weights(p.h, h) {
		clear(sums)
		for k, wt := range t.w {
			row := across.pix[(t.first+k)*across.stride:][:w*ch]
			for i, v := range row {
				sums[i] += int32(v) * wt
			}
		}
		dst := out.pix[y*out.stride:][:w*ch]
		for i, s := range sums {
			dst[i] = clamp8(s)
		}
	}
	return out
}
