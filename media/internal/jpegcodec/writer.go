// Copyright 2011 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegcodec

import (
	"errors"
	"image"
	"image/jpeg"
	"io"
)

// Encode writes m to w as a baseline JPEG at quality (1 to 100), the
// bytes image/jpeg's Encode writes (TestEncodeAsImageJPEG, FuzzEncode),
// in about half the time: chroma blocks are read straight from their
// planes (image/jpeg reads each chroma sample once per luma pixel and
// averages the copies back), a coefficient that quantizes to zero costs
// a comparison rather than a division, and the output goes to one
// buffer rather than through a bufio.Writer a byte at a time. A 4:2:0
// *image.YCbCr and an *image.Gray, with their bounds at the origin, are
// encoded here; any other image by image/jpeg.
func Encode(w io.Writer, m image.Image, quality int) error {
	return EncodeRows(w, m, quality, nil)
}

// EncodeRows is Encode for an image whose rows are still being written,
// from the top, by another goroutine: before it reads a row it calls
// ready (if not nil) with the number of rows from the top it needs
// final, up to all of m's, and ready returns once they are (for a YCbCr
// image, the chroma rows they cover too), or returns an error, which
// EncodeRows returns having written nothing. An image encoded by
// image/jpeg is waited for whole first.
func EncodeRows(w io.Writer, m image.Image, quality int, ready func(rows int) error) error {
	switch m := m.(type) {
	case *image.YCbCr:
		if m.SubsampleRatio == image.YCbCrSubsampleRatio420 && m.Rect.Min == (image.Point{}) {
			return encode(w, m, quality, ready)
		}
	case *image.Gray:
		if m.Rect.Min == (image.Point{}) {
			return encode(w, m, quality, ready)
		}
	}
	if ready != nil {
		if err := ready(m.Bounds().Dy()); err != nil {
			return err
		}
	}
	return jpeg.Encode(w, m, &jpeg.Options{Quality: quality})
}

// div returns a/b rounded to the nearest integer, instead of rounded to zero.
func div(a, b int32) int32 {
	if a >= 0 {
		return (a + (b >> 1)) / b
	}
	return -((-a + (b >> 1)) / b)
}

// bitCount counts the number of bits needed to hold an integer.
var bitCount = [256]byte{
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4,
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
}

type quantIndex int

const (
	quantIndexLuminance quantIndex = iota
	quantIndexChrominance
	nQuantIndex
)

// unscaledQuant are the unscaled quantization tables in zig-zag order. Each
// encoder copies and scales the tables according to its quality parameter.
// The values are derived from section K.1 of the spec, after converting from
// natural to zig-zag order.
var unscaledQuant = [nQuantIndex][blockSize]byte{
	// Luminance.
	{
		16, 11, 12, 14, 12, 10, 16, 14,
		13, 14, 18, 17, 16, 19, 24, 40,
		26, 24, 22, 22, 24, 49, 35, 37,
		29, 40, 58, 51, 61, 60, 57, 51,
		56, 55, 64, 72, 92, 78, 64, 68,
		87, 69, 55, 56, 80, 109, 81, 87,
		95, 98, 103, 104, 103, 62, 77, 113,
		121, 112, 100, 120, 92, 101, 103, 99,
	},
	// Chrominance.
	{
		17, 18, 18, 24, 21, 24, 47, 26,
		26, 47, 99, 66, 56, 66, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	},
}

type huffIndex int

const (
	huffIndexLuminanceDC huffIndex = iota
	huffIndexLuminanceAC
	huffIndexChrominanceDC
	huffIndexChrominanceAC
	nHuffIndex
)

// huffmanSpec specifies a Huffman encoding.
type huffmanSpec struct {
	// count[i] is the number of codes of length i+1 bits.
	count [16]byte
	// value[i] is the decoded value of the i'th codeword.
	value []byte
}

// theHuffmanSpec is the Huffman encoding specifications.
//
// This encoder uses the same Huffman encoding for all images. It is also the
// same Huffman encoding used by section K.3 of the spec.
//
// The DC tables have 12 decoded values, called categories.
//
// The AC tables have 162 decoded values: bytes that pack a 4-bit Run and a
// 4-bit Size. There are 16 valid Runs and 10 valid Sizes, plus two special R|S
// cases: 0|0 (meaning EOB) and F|0 (meaning ZRL).
var theHuffmanSpec = [nHuffIndex]huffmanSpec{
	// Luminance DC.
	{
		[16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	},
	// Luminance AC.
	{
		[16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125},
		[]byte{
			0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12,
			0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
			0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
			0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
			0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16,
			0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
			0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
			0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
			0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
			0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
			0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
			0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
			0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
			0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
			0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
			0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
			0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4,
			0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
			0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
			0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa,
		},
	},
	// Chrominance DC.
	{
		[16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	},
	// Chrominance AC.
	{
		[16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119},
		[]byte{
			0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21,
			0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
			0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
			0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
			0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34,
			0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
			0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38,
			0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
			0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
			0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
			0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
			0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
			0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96,
			0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
			0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
			0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
			0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2,
			0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
			0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9,
			0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa,
		},
	},
}

// huffmanLUT is a compiled look-up table representation of a huffmanSpec.
// Each value maps to a uint32 of which the 8 most significant bits hold the
// codeword size in bits and the 24 least significant bits hold the codeword.
// The maximum codeword size is 16 bits.
type huffmanLUT []uint32

func (h *huffmanLUT) init(s huffmanSpec) {
	maxValue := 0
	for _, v := range s.value {
		if int(v) > maxValue {
			maxValue = int(v)
		}
	}
	*h = make([]uint32, maxValue+1)
	code, k := uint32(0), 0
	for i := 0; i < len(s.count); i++ {
		nBits := uint32(i+1) << 24
		for j := uint8(0); j < s.count[i]; j++ {
			(*h)[s.value[k]] = nBits | code
			code++
			k++
		}
		code <<= 1
	}
}

// theHuffmanLUT are compiled representations of theHuffmanSpec.
var theHuffmanLUT [4]huffmanLUT

func init() {
	for i, s := range theHuffmanSpec {
		theHuffmanLUT[i].init(s)
	}
}

// encoder encodes an image to the JPEG format.
type encoder struct {
	// out is the encoded image, written to the io.Writer at the end (in
	// image/jpeg, a bufio.Writer written byte by byte).
	out []byte
	// buf is a scratch buffer.
	buf [16]byte
	// bits holds, at its top, nBits (< 32) bits not yet written.
	bits  uint64
	nBits uint32
	// quant is the scaled quantization tables, in zig-zag order.
	quant [nQuantIndex][blockSize]byte
	// divisor is 8 times quant, as int32 (not in image/jpeg).
	divisor [nQuantIndex][blockSize]int32
	// ready is EncodeRows's.
	ready func(rows int) error
}

func (e *encoder) write(p []byte) { e.out = append(e.out, p...) }

func (e *encoder) writeByte(b byte) { e.out = append(e.out, b) }

// emit emits the least significant nBits bits of bits to the bit-stream.
// The precondition is bits < 1<<nBits && nBits <= 32. The bits gather
// at the top of e.bits and go out four bytes at a time (image/jpeg
// writes each byte as it fills): the same bytes, fewer steps.
func (e *encoder) emit(bits, nBits uint32) {
	e.bits |= uint64(bits) << (64 - e.nBits - nBits)
	e.nBits += nBits
	if e.nBits >= 32 {
		e.flush(4)
	}
}

// flush writes the top n bytes of e.bits (n ≤ e.nBits/8), each 0xff
// followed by a stuffed 0x00 (F.1.2.3).
func (e *encoder) flush(n uint32) {
	x := uint32(e.bits >> 32)
	if n == 4 && (^x-0x01010101)&x&0x80808080 == 0 {
		// No 0xff among them (the top bit of each byte of ^x-1 & x
		// set flags a 0xff byte, or one before such a byte).
		e.out = append(e.out, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
	} else {
		for i := range n {
			b := byte(e.bits >> (56 - 8*i))
			e.out = append(e.out, b)
			if b == 0xff {
				e.out = append(e.out, 0x00)
			}
		}
	}
	e.bits <<= 8 * n
	e.nBits -= 8 * n
}

// emitHuff emits the given value with the given Huffman encoder.
func (e *encoder) emitHuff(h huffIndex, value int32) {
	x := theHuffmanLUT[h][value]
	e.emit(x&(1<<24-1), x>>24)
}

// emitHuffRLE emits a run of runLength copies of value encoded with the given
// Huffman encoder.
func (e *encoder) emitHuffRLE(h huffIndex, runLength, value int32) {
	a, b := value, value
	if a < 0 {
		a, b = -value, value-1
	}
	var nBits uint32
	if a < 0x100 {
		nBits = uint32(bitCount[a])
	} else {
		nBits = 8 + uint32(bitCount[a>>8])
	}
	// The code and the magnitude bits after it, emitted as one.
	x := theHuffmanLUT[h][runLength<<4|int32(nBits)]
	e.emit((x&(1<<24-1))<<nBits|uint32(b)&(1<<nBits-1), x>>24+nBits)
}

// writeMarkerHeader writes the header for a marker with the given length.
func (e *encoder) writeMarkerHeader(marker uint8, markerlen int) {
	e.buf[0] = 0xff
	e.buf[1] = marker
	e.buf[2] = uint8(markerlen >> 8)
	e.buf[3] = uint8(markerlen & 0xff)
	e.write(e.buf[:4])
}

// writeDQT writes the Define Quantization Table marker.
func (e *encoder) writeDQT() {
	const markerlen = 2 + int(nQuantIndex)*(1+blockSize)
	e.writeMarkerHeader(dqtMarker, markerlen)
	for i := range e.quant {
		e.writeByte(uint8(i))
		e.write(e.quant[i][:])
	}
}

// writeSOF0 writes the Start Of Frame (Baseline Sequential) marker.
func (e *encoder) writeSOF0(size image.Point, nComponent int) {
	markerlen := 8 + 3*nComponent
	e.writeMarkerHeader(sof0Marker, markerlen)
	e.buf[0] = 8 // 8-bit color.
	e.buf[1] = uint8(size.Y >> 8)
	e.buf[2] = uint8(size.Y & 0xff)
	e.buf[3] = uint8(size.X >> 8)
	e.buf[4] = uint8(size.X & 0xff)
	e.buf[5] = uint8(nComponent)
	if nComponent == 1 {
		e.buf[6] = 1
		// No subsampling for grayscale image.
		e.buf[7] = 0x11
		e.buf[8] = 0x00
	} else {
		for i := 0; i < nComponent; i++ {
			e.buf[3*i+6] = uint8(i + 1)
			// We use 4:2:0 chroma subsampling.
			e.buf[3*i+7] = "\x22\x11\x11"[i]
			e.buf[3*i+8] = "\x00\x01\x01"[i]
		}
	}
	e.write(e.buf[:3*(nComponent-1)+9])
}

// writeDHT writes the Define Huffman Table marker.
func (e *encoder) writeDHT(nComponent int) {
	markerlen := 2
	specs := theHuffmanSpec[:]
	if nComponent == 1 {
		// Drop the Chrominance tables.
		specs = specs[:2]
	}
	for _, s := range specs {
		markerlen += 1 + 16 + len(s.value)
	}
	e.writeMarkerHeader(dhtMarker, markerlen)
	for i, s := range specs {
		e.writeByte("\x00\x10\x01\x11"[i])
		e.write(s.count[:])
		e.write(s.value)
	}
}

// writeBlock writes a block of pixel data using the given quantization table,
// returning the post-quantized DC value of the DCT-transformed block. b is in
// natural (not zig-zag) order.
func (e *encoder) writeBlock(b *block, q quantIndex, prevDC int32) int32 {
	fdct(b)
	// Emit the DC delta.
	dc := div(b[0], e.divisor[q][0])
	e.emitHuffRLE(huffIndex(2*q+0), 0, dc-prevDC)
	// Emit the AC components.
	h, runLength := huffIndex(2*q+1), int32(0)
	divisor := &e.divisor[q]
	for zig := 1; zig < blockSize; zig++ {
		// Most coefficients quantize to zero, when |a| < d/2 (d is 8
		// times a quantizer, so even): one comparison instead of a
		// division (not in image/jpeg).
		a, d := b[unzig8[zig]&63], divisor[zig]
		if uint32(a+d>>1-1) < uint32(d-1) {
			runLength++
			continue
		}
		ac := div(a, d)
		for runLength > 15 {
			e.emitHuff(h, 0xf0)
			runLength -= 16
		}
		e.emitHuffRLE(h, runLength, ac)
		runLength = 0
	}
	if runLength > 0 {
		e.emitHuff(h, 0x00)
	}
	return dc
}

// grayBlock copies the 8 × 8 pixels of m at (x, y) to b, repeating the
// last column and row past the edge, as image/jpeg's grayToY.
func grayBlock(b *block, pix []uint8, stride, w, h, x, y int) {
	for j := range 8 {
		row := pix[min(y+j, h-1)*stride:][:w]
		if x+8 <= w {
			for i, v := range row[x : x+8] {
				b[8*j+i] = int32(v)
			}
			continue
		}
		for i := range 8 {
			b[8*j+i] = int32(row[min(x+i, w-1)])
		}
	}
}

// writeSOS writes the StartOfScan marker and the image data. For a 4:2:0
// YCbCr image, each chroma block is read straight from its plane, where
// image/jpeg reads each chroma sample once per luma pixel and averages
// the 2 × 2 copies back, to the same values (the edges repeated alike).
func (e *encoder) writeSOS(m image.Image) error {
	var (
		b block
		// DC components are delta-encoded.
		prevDCY, prevDCCb, prevDCCr int32
	)
	switch m := m.(type) {
	case *image.Gray:
		e.write(sosHeaderY)
		w, h := m.Rect.Dx(), m.Rect.Dy()
		for y := 0; y < h; y += 8 {
			if err := e.wait(min(y+8, h)); err != nil {
				return err
			}
			for x := 0; x < w; x += 8 {
				grayBlock(&b, m.Pix, m.Stride, w, h, x, y)
				prevDCY = e.writeBlock(&b, 0, prevDCY)
			}
		}
	case *image.YCbCr:
		e.write(sosHeaderYCbCr)
		w, h := m.Rect.Dx(), m.Rect.Dy()
		cw, ch := (w+1)/2, (h+1)/2
		for y := 0; y < h; y += 16 {
			if err := e.wait(min(y+16, h)); err != nil {
				return err
			}
			for x := 0; x < w; x += 16 {
				for i := range 4 {
					grayBlock(&b, m.Y, m.YStride, w, h, x+(i&1)*8, y+(i&2)*4)
					prevDCY = e.writeBlock(&b, 0, prevDCY)
				}
				grayBlock(&b, m.Cb, m.CStride, cw, ch, x/2, y/2)
				prevDCCb = e.writeBlock(&b, 1, prevDCCb)
				grayBlock(&b, m.Cr, m.CStride, cw, ch, x/2, y/2)
				prevDCCr = e.writeBlock(&b, 1, prevDCCr)
			}
		}
	}
	// Pad the last byte with 1's, and write the whole bytes.
	e.emit(0x7f, 7)
	e.flush(e.nBits / 8)
	return nil
}

// wait waits for the rows above y to be final (see EncodeRows).
func (e *encoder) wait(y int) error {
	if e.ready == nil {
		return nil
	}
	return e.ready(y)
}

// sosHeaderY is the SOS marker for one component; see image/jpeg.
var sosHeaderY = []byte{
	0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
}

// sosHeaderYCbCr is the SOS marker for Y, Cb and Cr; see image/jpeg.
var sosHeaderYCbCr = []byte{
	0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02,
	0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
}

// encode is image/jpeg's Encode for the images Encode takes here.
func encode(w io.Writer, m image.Image, quality int, ready func(rows int) error) error {
	b := m.Bounds()
	if b.Dx() >= 1<<16 || b.Dy() >= 1<<16 {
		return errors.New("jpeg: image is too large to encode")
	}
	// About what a photo's variant takes at quality 82: 2 bits a pixel.
	e := encoder{out: make([]byte, 0, 4096+b.Dx()*b.Dy()/4), ready: ready}
	quality = min(max(quality, 1), 100)
	// Convert from a quality rating to a scaling factor.
	var scale int
	if quality < 50 {
		scale = 5000 / quality
	} else {
		scale = 200 - quality*2
	}
	// Initialize the quantization tables.
	for i := range e.quant {
		for j := range e.quant[i] {
			x := int(unscaledQuant[i][j])
			x = (x*scale + 50) / 100
			x = min(max(x, 1), 255)
			e.quant[i][j] = uint8(x)
			e.divisor[i][j] = 8 * int32(x)
		}
	}
	nComponent := 3
	if _, ok := m.(*image.Gray); ok {
		nComponent = 1
	}
	e.write([]byte{0xff, 0xd8}) // Start Of Image
	e.writeDQT()
	e.writeSOF0(b.Size(), nComponent)
	e.writeDHT(nComponent)
	if err := e.writeSOS(m); err != nil {
		return err
	}
	e.write([]byte{0xff, 0xd9}) // End Of Image
	_, err := w.Write(e.out)
	return err
}
