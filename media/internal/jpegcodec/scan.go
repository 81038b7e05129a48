// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegcodec

import (
	"image"
)

// makeImg allocates and initializes the destination image.
func (d *decoder) makeImg(mxx, myy int) {
	if d.nComp == 1 {
		m := image.NewGray(image.Rect(0, 0, d.scale*mxx, d.scale*myy))
		d.img1 = m.SubImage(d.bounds()).(*image.Gray)
		return
	}

	h0 := d.comp[0].h
	v0 := d.comp[0].v
	hRatio := h0 / d.comp[1].h
	vRatio := v0 / d.comp[1].v
	var subsampleRatio image.YCbCrSubsampleRatio
	switch hRatio<<4 | vRatio {
	case 0x11:
		subsampleRatio = image.YCbCrSubsampleRatio444
	case 0x12:
		subsampleRatio = image.YCbCrSubsampleRatio440
	case 0x21:
		subsampleRatio = image.YCbCrSubsampleRatio422
	case 0x22:
		subsampleRatio = image.YCbCrSubsampleRatio420
	case 0x41:
		subsampleRatio = image.YCbCrSubsampleRatio411
	case 0x42:
		subsampleRatio = image.YCbCrSubsampleRatio410
	default:
		panic("unreachable")
	}
	m := image.NewYCbCr(image.Rect(0, 0, d.scale*h0*mxx, d.scale*v0*myy), subsampleRatio)
	d.img3 = m.SubImage(d.bounds()).(*image.YCbCr)

	if d.nComp == 4 {
		h3, v3 := d.comp[3].h, d.comp[3].v
		d.blackPix = make([]byte, d.scale*h3*mxx*d.scale*v3*myy)
		d.blackStride = d.scale * h3 * mxx
	}
}

// Specified in section B.2.3.
func (d *decoder) processSOS(n int) error {
	if d.nComp == 0 {
		return FormatError("missing SOF marker")
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return FormatError("SOS has wrong length")
	}
	if err := d.readFull(d.tmp[:n]); err != nil {
		return err
	}
	nComp := int(d.tmp[0])
	if n != 4+2*nComp {
		return FormatError("SOS length inconsistent with number of components")
	}
	var scan [maxComponents]struct {
		compIndex uint8
		td        uint8 // DC table selector.
		ta        uint8 // AC table selector.
	}
	totalHV := 0
	for i := 0; i < nComp; i++ {
		cs := d.tmp[1+2*i] // Component selector.
		compIndex := -1
		for j, comp := range d.comp[:d.nComp] {
			if cs == comp.c {
				compIndex = j
			}
		}
		if compIndex < 0 {
			return FormatError("unknown component selector")
		}
		scan[i].compIndex = uint8(compIndex)
		// Section B.2.3 states that "the value of Cs_j shall be different from
		// the values of Cs_1 through Cs_(j-1)". Since we have previously
		// verified that a frame's component identifiers (C_i values in section
		// B.2.2) are unique, it suffices to check that the implicit indexes
		// into d.comp are unique.
		for j := 0; j < i; j++ {
			if scan[i].compIndex == scan[j].compIndex {
				return FormatError("repeated component selector")
			}
		}
		totalHV += d.comp[compIndex].h * d.comp[compIndex].v

		// The baseline t <= 1 restriction is specified in table B.3.
		scan[i].td = d.tmp[2+2*i] >> 4
		if t := scan[i].td; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Td value")
		}
		scan[i].ta = d.tmp[2+2*i] & 0x0f
		if t := scan[i].ta; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Ta value")
		}
	}
	// Section B.2.3 states that if there is more than one component then the
	// total H*V values in a scan must be <= 10.
	if d.nComp > 1 && totalHV > 10 {
		return FormatError("total sampling factors too large")
	}

	// zigStart and zigEnd are the spectral selection bounds.
	// ah and al are the successive approximation high and low values.
	// The spec calls these values Ss, Se, Ah and Al.
	//
	// For progressive JPEGs, these are the two more-or-less independent
	// aspects of progression. Spectral selection progression is when not
	// all of a block's 64 DCT coefficients are transmitted in one pass.
	// For example, three passes could transmit coefficient 0 (the DC
	// component), coefficients 1-5, and coefficients 6-63, in zig-zag
	// order. Successive approximation is when not all of the bits of a
	// band of coefficients are transmitted in one pass. For example,
	// three passes could transmit the 6 most significant bits, followed
	// by the second-least significant bit, followed by the least
	// significant bit.
	//
	// For sequential JPEGs, these parameters are hard-coded to 0/63/0/0, as
	// per table B.3.
	zigStart, zigEnd, ah, al := int32(0), int32(blockSize-1), uint32(0), uint32(0)
	if d.progressive {
		zigStart = int32(d.tmp[1+2*nComp])
		zigEnd = int32(d.tmp[2+2*nComp])
		ah = uint32(d.tmp[3+2*nComp] >> 4)
		al = uint32(d.tmp[3+2*nComp] & 0x0f)
		if (zigStart == 0 && zigEnd != 0) || zigStart > zigEnd || blockSize <= zigEnd {
			return FormatError("bad spectral selection bounds")
		}
		if zigStart != 0 && nComp != 1 {
			return FormatError("progressive AC coefficients for more than one component")
		}
		if ah != 0 && ah != al+1 {
			return FormatError("bad successive approximation values")
		}
	}

	// mxx and myy are the number of MCUs (Minimum Coded Units) in the image.
	h0, v0 := d.comp[0].h, d.comp[0].v // The h and v values from the Y components.
	mxx := (d.width + 8*h0 - 1) / (8 * h0)
	myy := (d.height + 8*v0 - 1) / (8 * v0)
	if d.img1 == nil && d.img3 == nil {
		d.makeImg(mxx, myy)
	}
	if d.progressive {
		for i := 0; i < nComp; i++ {
			compIndex := scan[i].compIndex
			if d.progCoeffs[compIndex] == nil {
				d.progCoeffs[compIndex] = make([]block, mxx*myy*d.comp[compIndex].h*d.comp[compIndex].v)
			}
		}
	}

	reports := d.reportsRows(nComp)
	rowsPerMCU, height := d.scale*v0, d.bounds().Dy()

	d.bits = bits{}
	rst := restarts{expected: rst0Marker}
	// summed: each block is decoded straight into sums, at 2/8 and 1/8
	// of a sequential scan, where a progressive one keeps every block.
	summed := !d.progressive && d.scale <= 2
	if summed && (nComp > 1 || d.nComp == 1) {
		cs := make([]scanComp, nComp)
		for i := range cs {
			ci := int(scan[i].compIndex)
			c := &d.comp[ci]
			pix, stride, err := d.blockPixels(0, 0, ci)
			if err != nil {
				return err
			}
			cs[i] = scanComp{
				dc: &d.huff[dcTable][scan[i].td], ac: &d.huff[acTable][scan[i].ta],
				w: &d.quant2[c.tq], pix: pix, stride: stride, h: c.h, v: c.v,
			}
		}
		err := d.decodeSums(cs, mxx, myy, func(my int) {
			if reports {
				d.rows(d.image(), min((my+1)*rowsPerMCU, height))
			}
		})
		d.complete = reports && err == nil
		return err
	}
	var (
		// b is the decoded coefficients, in natural (not zig-zag) order.
		b   block
		sum sums
		dc  [maxComponents]int32
		// bx and by are the location of the current block, in units of 8x8
		// blocks: the third block in the first row has (bx, by) = (2, 0).
		bx, by     int
		blockCount int
	)
	for my := 0; my < myy; my++ {
		for mx := 0; mx < mxx; mx++ {
			for i := 0; i < nComp; i++ {
				compIndex := scan[i].compIndex
				hi := d.comp[compIndex].h
				vi := d.comp[compIndex].v
				for j := 0; j < hi*vi; j++ {
					// The blocks are traversed one MCU at a time. For 4:2:0 chroma
					// subsampling, there are four Y 8x8 blocks in every 16x16 MCU.
					//
					// For a sequential 32x16 pixel image, the Y blocks visiting order is:
					//	0 1 4 5
					//	2 3 6 7
					//
					// For progressive images, the interleaved scans (those with nComp > 1)
					// are traversed as above, but non-interleaved scans are traversed left
					// to right, top to bottom:
					//	0 1 2 3
					//	4 5 6 7
					// Only DC scans (zigStart == 0) can be interleaved. AC scans must have
					// only one component.
					//
					// To further complicate matters, for non-interleaved scans, there is no
					// data for any blocks that are inside the image at the MCU level but
					// outside the image at the pixel level. For example, a 24x16 pixel 4:2:0
					// progressive image consists of two 16x16 MCUs. The interleaved scans
					// will process 8 Y blocks:
					//	0 1 4 5
					//	2 3 6 7
					// The non-interleaved scans will process only 6 Y blocks:
					//	0 1 2
					//	3 4 5
					if nComp != 1 {
						bx = hi*mx + j%hi
						by = vi*my + j/hi
					} else {
						q := mxx * hi
						bx = blockCount % q
						by = blockCount / q
						blockCount++
						if bx*8 >= d.width || by*8 >= d.height {
							continue
						}
					}

					// Load the previous partially decoded coefficients, if applicable.
					var s *sums
					if summed {
						sum = sums{w: &d.quant2[d.comp[compIndex].tq]}
						s = &sum
					} else if d.progressive {
						b = d.progCoeffs[compIndex][by*mxx*hi+bx]
					} else {
						b = block{}
					}

					// last is the zig-zag index of the last coefficient set,
					// which bounds the frequencies the inverse DCT adds.
					last := int32(blockSize - 1)
					if ah != 0 {
						if err := d.refine(&b, &d.huff[acTable][scan[i].ta], zigStart, zigEnd, 1<<al); err != nil {
							return err
						}
					} else {
						zig := zigStart
						if zig == 0 {
							zig++
							// Decode the DC coefficient, as specified in section F.2.2.1.
							dcDelta, err := d.decodeDC(&d.huff[dcTable][scan[i].td])
							if err != nil {
								return err
							}
							dc[compIndex] += dcDelta
							if s != nil {
								s.add(0, dc[compIndex])
							} else {
								b[0] = dc[compIndex] << al
							}
						}

						if zig <= zigEnd && d.eobRun > 0 {
							d.eobRun--
							last = 0
						} else if zig <= zigEnd {
							// Decode the AC coefficients, as specified in section F.2.2.2.
							var err error
							last, err = d.decodeAC(&b, s, &d.huff[acTable][scan[i].ta], zig, zigEnd, al)
							if err != nil {
								return err
							}
						} else {
							last = 0
						}
					}

					if d.progressive {
						// Save the coefficients.
						d.progCoeffs[compIndex][by*mxx*hi+bx] = b
						// At this point, we could call reconstructBlock to dequantize and perform the
						// inverse DCT, to save early stages of a progressive image to the *image.YCbCr
						// buffers (the whole point of progressive encoding), but in Go, the jpeg.Decode
						// function does not return until the entire image is decoded, so we "continue"
						// here to avoid wasted computation. Instead, reconstructBlock is called on each
						// accumulated block by the reconstructProgressiveImage method after all of the
						// SOS markers are processed.
						continue
					}
					if s != nil {
						dst, stride, err := d.blockPixels(bx, by, int(compIndex))
						if err != nil {
							return err
						}
						s.put(d.scale, dst, stride)
						continue
					}
					if err := d.reconstructBlock(&b, last, bx, by, int(compIndex)); err != nil {
						return err
					}
				} // for j
			} // for i
			if restarted, err := d.nextMCU(&rst, mxx*myy); err != nil {
				return err
			} else if restarted {
				dc = [maxComponents]int32{} // section F.2.1.3.1
			}
		} // for mx
		if reports {
			d.rows(d.image(), min((my+1)*rowsPerMCU, height))
		}
	} // for my
	d.complete = reports
	return nil
}

// scanComp is what decodeSums needs of a component of a scan.
type scanComp struct {
	dc, ac *huffman
	// w is the quantization table for sums (decoder.quant2).
	w *[blockSize]int64
	// pix and stride are where the component's pixels go (blockPixels).
	pix    []byte
	stride int
	h, v   int
}

// decodeSums is processSOS's loop for a sequential scan decoded at 2/8 or
// 1/8 whose MCUs interleave the components cs (or hold a grey image's
// one block), the scan that makes most variants: each block is decoded
// into sums and written as pixels, none stored. Written apart from the
// loop every other scan takes, with what it needs of each component
// looked up once, it spends less on each block than on its
// coefficients. It calls row after each row of MCUs.
func (d *decoder) decodeSums(cs []scanComp, mxx, myy int, row func(my int)) error {
	var dc [maxComponents]int32
	rst := restarts{expected: rst0Marker}
	scale := d.scale
	for my := range myy {
		for mx := range mxx {
			for i := range cs {
				c := &cs[i]
				for jy := range c.v {
					// The first pixel of the row of blocks, as blockPixels.
					pix := c.pix[scale*((c.v*my+jy)*c.stride+c.h*mx):]
					for jx := range c.h {
						delta, err := d.decodeDC(c.dc)
						if err != nil {
							return err
						}
						dc[i] += delta
						sum := sums{w: c.w}
						sum.add(0, dc[i])
						if d.eobRun > 0 {
							d.eobRun--
						} else if _, err := d.decodeAC(nil, &sum, c.ac, 1, blockSize-1, 0); err != nil {
							return err
						}
						sum.put(scale, pix[scale*jx:], c.stride)
					}
				}
			}
			if restarted, err := d.nextMCU(&rst, mxx*myy); err != nil {
				return err
			} else if restarted {
				dc = [maxComponents]int32{} // section F.2.1.3.1
			}
		}
		row(my)
	}
	return nil
}

// restarts is where a scan is in its restart intervals (section
// F.1.2.3): the MCUs decoded, and the RST marker expected next.
type restarts struct {
	mcu      int
	expected uint8
}

// nextMCU counts an MCU of a scan of total. After the last of a restart
// interval but the scan's last, it reads the RST marker and resets the
// Huffman decoder and the progressive state, and reports that it did:
// the caller then resets its DC predictors.
func (d *decoder) nextMCU(r *restarts, total int) (bool, error) {
	r.mcu++
	if d.ri == 0 || r.mcu%d.ri != 0 || r.mcu >= total {
		return false, nil
	}
	// For well-formed input, the RST[0-7] restart marker follows
	// immediately. For corrupt input, call findRST to try to
	// resynchronize.
	if err := d.readFull(d.tmp[:2]); err != nil {
		return false, err
	} else if d.tmp[0] != 0xff || d.tmp[1] != r.expected {
		if err := d.findRST(r.expected); err != nil {
			return false, err
		}
	}
	r.expected++
	if r.expected == rst7Marker+1 {
		r.expected = rst0Marker
	}
	// Reset the Huffman decoder.
	d.bits = bits{}
	// Reset the progressive decoder state, as per section G.1.2.2.
	d.eobRun = 0
	return true, nil
}

// refine decodes a successive approximation refinement block, as specified in
// section G.1.2.
func (d *decoder) refine(b *block, h *huffman, zigStart, zigEnd, delta int32) error {
	// Refining a DC component is trivial.
	if zigStart == 0 {
		if zigEnd != 0 {
			panic("unreachable")
		}
		bit, err := d.decodeBit()
		if err != nil {
			return err
		}
		if bit {
			b[0] |= delta
		}
		return nil
	}

	// Refining AC components is more complicated; see sections G.1.2.2 and G.1.2.3.
	zig := zigStart
	if d.eobRun == 0 {
	loop:
		for ; zig <= zigEnd; zig++ {
			z := int32(0)
			value, err := d.decodeHuffman(h)
			if err != nil {
				return err
			}
			val0 := value >> 4
			val1 := value & 0x0f

			switch val1 {
			case 0:
				if val0 != 0x0f {
					d.eobRun = uint16(1 << val0)
					if val0 != 0 {
						bits, err := d.decodeBits(int32(val0))
						if err != nil {
							return err
						}
						d.eobRun |= uint16(bits)
					}
					break loop
				}
			case 1:
				z = delta
				bit, err := d.decodeBit()
				if err != nil {
					return err
				}
				if !bit {
					z = -z
				}
			default:
				return FormatError("unexpected Huffman code")
			}

			zig, err = d.refineNonZeroes(b, zig, zigEnd, int32(val0), delta)
			if err != nil {
				return err
			}
			if zig > zigEnd {
				return FormatError("too many coefficients")
			}
			if z != 0 {
				b[unzig[zig]] = z
			}
		}
	}
	if d.eobRun > 0 {
		d.eobRun--
		if _, err := d.refineNonZeroes(b, zig, zigEnd, -1, delta); err != nil {
			return err
		}
	}
	return nil
}

// refineNonZeroes refines non-zero entries of b in zig-zag order. If nz >= 0,
// the first nz zero entries are skipped over.
func (d *decoder) refineNonZeroes(b *block, zig, zigEnd, nz, delta int32) (int32, error) {
	for ; zig <= zigEnd; zig++ {
		u := unzig[zig]
		if b[u] == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		bit, err := d.decodeBit()
		if err != nil {
			return 0, err
		}
		if !bit {
			continue
		}
		if b[u] >= 0 {
			b[u] += delta
		} else {
			b[u] -= delta
		}
	}
	return zig, nil
}

func (d *decoder) reconstructProgressiveImage() error {
	// The h0, mxx, by and bx variables have the same meaning as in the
	// processSOS method.
	h0 := d.comp[0].h
	mxx := (d.width + 8*h0 - 1) / (8 * h0)
	for i := 0; i < d.nComp; i++ {
		if d.progCoeffs[i] == nil {
			continue
		}
		v := 8 * d.comp[0].v / d.comp[i].v
		h := 8 * d.comp[0].h / d.comp[i].h
		stride := mxx * d.comp[i].h
		for by := 0; by*v < d.height; by++ {
			for bx := 0; bx*h < d.width; bx++ {
				if err := d.reconstructBlock(&d.progCoeffs[i][by*stride+bx], blockSize-1, bx, by, i); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reconstructBlock dequantizes, performs the inverse DCT and stores the block
// to the image. No coefficient of b past zig-zag index last is non-zero.
func (d *decoder) reconstructBlock(b *block, last int32, bx, by, compIndex int) error {
	dst, stride, err := d.blockPixels(bx, by, compIndex)
	if err != nil {
		return err
	}
	tq := d.comp[compIndex].tq
	switch d.scale {
	case 1, 2:
		s := sums{w: &d.quant2[tq]}
		for zig := range last + 1 {
			s.add(zig, b[unzig[zig]])
		}
		s.put(d.scale, dst, stride)
		return nil
	case 4:
		idctScaled(b, last, &d.quantNat[tq], 4, dst, stride)
		return nil
	}
	qt := &d.quant[tq]
	for zig := 0; zig < blockSize; zig++ {
		b[unzig[zig]] *= qt[zig]
	}
	idct(b)
	// Level shift by +128, clip to [0, 255], and write to dst.
	for y := 0; y < 8; y++ {
		y8 := y * 8
		yStride := y * stride
		for x := 0; x < 8; x++ {
			c := b[y8+x]
			if c < -128 {
				c = 0
			} else if c > 127 {
				c = 255
			} else {
				c += 128
			}
			dst[yStride+x] = uint8(c)
		}
	}
	return nil
}

// blockPixels returns where the pixels of component compIndex's block
// (bx, by) go, from the block's top left corner, and the stride.
func (d *decoder) blockPixels(bx, by, compIndex int) ([]byte, int, error) {
	dst, stride := []byte(nil), 0
	if d.nComp == 1 {
		dst, stride = d.img1.Pix, d.img1.Stride
	} else {
		switch compIndex {
		case 0:
			dst, stride = d.img3.Y, d.img3.YStride
		case 1:
			dst, stride = d.img3.Cb, d.img3.CStride
		case 2:
			dst, stride = d.img3.Cr, d.img3.CStride
		case 3:
			dst, stride = d.blackPix, d.blackStride
		default:
			return nil, 0, UnsupportedError("too many components")
		}
	}
	return dst[d.scale*(by*stride+bx):], stride, nil
}

// findRST advances past the next RST restart marker that matches expectedRST.
// Other than I/O errors, it is also an error if we encounter an {0xFF, M}
// two-byte marker sequence where M is not 0x00, 0xFF or the expectedRST.
//
// This is similar to libjpeg's jdmarker.c's next_marker function.
// https://github.com/libjpeg-turbo/libjpeg-turbo/blob/2dfe6c0fe9e18671105e94f7cbf044d4a1d157e6/jdmarker.c#L892-L935
//
// Precondition: d.tmp[:2] holds the next two bytes of JPEG-encoded input
// (input in the d.readFull sense).
func (d *decoder) findRST(expectedRST uint8) error {
	for {
		// i is the index such that, at the bottom of the loop, we read 2-i
		// bytes into d.tmp[i:2], maintaining the invariant that d.tmp[:2]
		// holds the next two bytes of JPEG-encoded input. It is either 0 or 1,
		// so that each iteration advances by 1 or 2 bytes (or returns).
		i := 0

		if d.tmp[0] == 0xff {
			if d.tmp[1] == expectedRST {
				return nil
			} else if d.tmp[1] == 0xff {
				i = 1
			} else if d.tmp[1] != 0x00 {
				// libjpeg's jdmarker.c's jpeg_resync_to_restart does something
				// fancy here, treating RST markers within two (modulo 8) of
				// expectedRST differently from RST markers that are 'more
				// distant'. Until we see evidence that recovering from such
				// cases is frequent enough to be worth the complexity, we take
				// a simpler approach for now. Any marker that's not 0x00, 0xff
				// or expectedRST is a fatal FormatError.
				return FormatError("bad RST marker")
			}

		} else if d.tmp[1] == 0xff {
			d.tmp[0] = 0xff
			i = 1
		}

		if err := d.readFull(d.tmp[i:2]); err != nil {
			return err
		}
	}
}
