// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegcodec

import (
	"io"
)

// maxCodeLength is the maximum (inclusive) number of bits in a Huffman code.
const maxCodeLength = 16

// maxNCodes is the maximum (inclusive) number of codes in a Huffman tree.
const maxNCodes = 256

// lutSize is the log-2 size of the Huffman decoder's look-up table.
const lutSize = 8

// huffman is a Huffman decoder, specified in section C.
type huffman struct {
	// length is the number of codes in the tree.
	nCodes int32
	// lut is the look-up table for the next lutSize bits in the bit-stream.
	// The high 8 bits of the uint16 are the encoded value. The low 8 bits
	// are 1 plus the code length, or 0 if the value is too large to fit in
	// lutSize bits.
	lut [1 << lutSize]uint16
	// vals are the decoded values, sorted by their encoding.
	vals [maxNCodes]uint8
	// minCodes[i] is the minimum code of length i, or -1 if there are no
	// codes of that length.
	minCodes [maxCodeLength]int32
	// maxCodes[i] is the maximum code of length i, or -1 if there are no
	// codes of that length.
	maxCodes [maxCodeLength]int32
	// valsIndices[i] is the index into vals of minCodes[i].
	valsIndices [maxCodeLength]int32
	// fast decodes a coefficient from the next lookBits bits of the
	// stream (not in image/jpeg); see setFast.
	fast [1 << lookBits]int32
}

// errShortHuffmanData means that an unexpected EOF occurred while decoding
// Huffman data.
var errShortHuffmanData = FormatError("short Huffman data")

// ensureNBits reads bytes from the byte buffer to ensure that d.bits.n is at
// least n. For best performance (avoiding function calls inside hot loops),
// the caller is the one responsible for first checking that d.bits.n < n.
func (d *decoder) ensureNBits(n int32) error {
	// Fast path (not in image/jpeg): fill the 64-bit accumulator up to
	// 56 bits at once while no byte is 0xff, which would be a stuffed
	// 0xff 0x00 or a marker. The bytes taken are all data before the
	// next marker, so none needs giving back: a byte left unconsumed at
	// the end of a scan or restart interval is extraneous data, which
	// the marker search skips. Hence nUnreadable is 0.
	if d.bytes.i+8 <= d.bytes.j && d.bits.n <= 56 {
		buf, i := d.bytes.buf[d.bytes.i:d.bytes.j], 0
		for d.bits.n <= 56 && i < 8 {
			c := buf[i]
			if c == 0xff {
				break
			}
			d.bits.a = d.bits.a<<8 | uint64(c)
			d.bits.n += 8
			i++
		}
		if i > 0 {
			d.bytes.i += i
			d.bytes.nUnreadable = 0
			d.bits.m = 1 << (d.bits.n - 1)
			if d.bits.n >= n {
				return nil
			}
		}
	}
	for {
		c, err := d.readByteStuffedByte()
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return errShortHuffmanData
			}
			return err
		}
		d.bits.a = d.bits.a<<8 | uint64(c)
		d.bits.n += 8
		if d.bits.m == 0 {
			d.bits.m = 1 << 7
		} else {
			d.bits.m <<= 8
		}
		if d.bits.n >= n {
			break
		}
	}
	return nil
}

// receiveExtend is the composition of RECEIVE and EXTEND, specified in section
// F.2.2.1.
func (d *decoder) receiveExtend(t uint8) (int32, error) {
	if d.bits.n < int32(t) {
		if err := d.ensureNBits(int32(t)); err != nil {
			return 0, err
		}
	}
	d.bits.n -= int32(t)
	d.bits.m >>= t
	s := int32(1) << t
	x := int32(d.bits.a>>uint8(d.bits.n)) & (s - 1)
	if x < s>>1 {
		x += ((-1) << t) + 1
	}
	return x, nil
}

// processDHT processes a Define Huffman Table marker, and initializes a huffman
// struct from its contents. Specified in section B.2.4.2.
func (d *decoder) processDHT(n int) error {
	for n > 0 {
		if n < 17 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(d.tmp[:17]); err != nil {
			return err
		}
		tc := d.tmp[0] >> 4
		if tc > maxTc {
			return FormatError("bad Tc value")
		}
		th := d.tmp[0] & 0x0f
		// The baseline th <= 1 restriction is specified in table B.5.
		if th > maxTh || (d.baseline && th > 1) {
			return FormatError("bad Th value")
		}
		h := &d.huff[tc][th]

		// Read nCodes and h.vals (and derive h.nCodes).
		// nCodes[i] is the number of codes with code length i.
		// h.nCodes is the total number of codes.
		h.nCodes = 0
		var nCodes [maxCodeLength]int32
		for i := range nCodes {
			nCodes[i] = int32(d.tmp[i+1])
			h.nCodes += nCodes[i]
		}
		if h.nCodes == 0 {
			return FormatError("Huffman table has zero length")
		}
		if h.nCodes > maxNCodes {
			return FormatError("Huffman table has excessive length")
		}
		n -= int(h.nCodes) + 17
		if n < 0 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(h.vals[:h.nCodes]); err != nil {
			return err
		}

		// Derive the look-up table.
		clear(h.lut[:])
		var x, code uint32
		for i := uint32(0); i < lutSize; i++ {
			code <<= 1
			for j := int32(0); j < nCodes[i]; j++ {
				// The codeLength is 1+i, so shift code by 8-(1+i) to
				// calculate the high bits for every 8-bit sequence
				// whose codeLength's high bits matches code.
				// The high 8 bits of lutValue are the encoded value.
				// The low 8 bits are 1 plus the codeLength.
				base := uint8(code << (7 - i))
				lutValue := uint16(h.vals[x])<<8 | uint16(2+i)
				for k := uint8(0); k < 1<<(7-i); k++ {
					h.lut[base|k] = lutValue
				}
				code++
				x++
			}
		}

		// Derive minCodes, maxCodes, and valsIndices.
		var c, index int32
		for i, n := range nCodes {
			if n == 0 {
				h.minCodes[i] = -1
				h.maxCodes[i] = -1
				h.valsIndices[i] = -1
			} else {
				h.minCodes[i] = c
				h.maxCodes[i] = c + n - 1
				h.valsIndices[i] = index
				c += n
				index += n
			}
			c <<= 1
		}
		h.setFast(tc)
	}
	return nil
}

// decodeHuffman returns the next Huffman-coded value from the bit-stream,
// decoded according to h.
func (d *decoder) decodeHuffman(h *huffman) (uint8, error) {
	if h.nCodes == 0 {
		return 0, FormatError("uninitialized Huffman table")
	}

	if d.bits.n < 8 {
		if err := d.ensureNBits(8); err != nil {
			if err != errMissingFF00 && err != errShortHuffmanData {
				return 0, err
			}
			// There are no more bytes of data in this segment, but we may still
			// be able to read the next symbol out of the previously read bits.
			// First, undo the readByte that the ensureNBits call made.
			if d.bytes.nUnreadable != 0 {
				d.unreadByteStuffedByte()
			}
			goto slowPath
		}
	}
	if v := h.lut[(d.bits.a>>uint32(d.bits.n-lutSize))&0xff]; v != 0 {
		n := (v & 0xff) - 1
		d.bits.n -= int32(n)
		d.bits.m >>= n
		return uint8(v >> 8), nil
	}

slowPath:
	for i, code := 0, int32(0); i < maxCodeLength; i++ {
		if d.bits.n == 0 {
			if err := d.ensureNBits(1); err != nil {
				return 0, err
			}
		}
		if d.bits.a&d.bits.m != 0 {
			code |= 1
		}
		d.bits.n--
		d.bits.m >>= 1
		if code <= h.maxCodes[i] {
			return h.vals[h.valsIndices[i]+code-h.minCodes[i]], nil
		}
		code <<= 1
	}
	return 0, FormatError("bad Huffman code")
}

func (d *decoder) decodeBit() (bool, error) {
	if d.bits.n == 0 {
		if err := d.ensureNBits(1); err != nil {
			return false, err
		}
	}
	ret := d.bits.a&d.bits.m != 0
	d.bits.n--
	d.bits.m >>= 1
	return ret, nil
}

func (d *decoder) decodeBits(n int32) (uint32, error) {
	if d.bits.n < n {
		if err := d.ensureNBits(n); err != nil {
			return 0, err
		}
	}
	ret := uint32(d.bits.a>>uint32(d.bits.n-n)) & (1<<uint32(n) - 1)
	d.bits.n -= n
	d.bits.m >>= uint32(n)
	return ret, nil
}

// lookBits is the look-ahead of huffman.fast.
const lookBits = 10

// The parts of a huffman.fast entry: the bits it uses (fastUsed), and
// either a whole coefficient (fastWhole set: its value in the high 16
// bits and the run of zeros before it at fastRun) or only the Huffman
// code's symbol, at fastRun too.
const (
	fastUsed  = 31
	fastWhole = 32
	fastRun   = 8
)

// setFast fills h.fast for a DC (tc 0) or AC (tc 1) table. Each entry, for
// a value of the next lookBits bits of the stream, holds what they
// decode to if the Huffman code fits in them (the symbol and the code's
// length), and if the magnitude bits after it (F.2.2.1, F.2.2.2) fit too,
// the whole coefficient: value<<16 | run<<fastRun | fastWhole | length
// of code and magnitude. Zero means a longer code (which decodeAC finds
// with long), or one decodeHuffman would refuse. As libjpeg-turbo's
// look-ahead tables and stb_image's fast_ac, it decodes most
// coefficients of a photo with one look-up.
//
// The code is found as decodeHuffman finds it, which for a malformed table
// may differ from a canonical decoding: its 8-bit look-up table first,
// then bit by bit. Symbols whose meaning depends on the scan are left to
// the slow way too: a DC size over 16 (a zero entry), and an AC
// end-of-band run of more than one block (progressive only; the entry
// holds the symbol only, and decodeAC sees what it is).
func (h *huffman) setFast(tc uint8) {
	clear(h.fast[:])
	for i := range int32(1 << lookBits) {
		var rs uint8
		var length int32
		if v := h.lut[i>>(lookBits-lutSize)]; v != 0 {
			rs, length = uint8(v>>8), int32(v&0xff)-1
		} else {
			code := int32(0)
			for l := range int32(lookBits) {
				code = code<<1 | (i>>(lookBits-1-l))&1
				if code <= h.maxCodes[l] {
					rs, length = h.vals[h.valsIndices[l]+code-h.minCodes[l]], l+1
					break
				}
			}
			if length == 0 {
				continue
			}
		}
		run, size := int32(rs>>4), int32(rs&15)
		h.fast[i] = int32(rs)<<fastRun | length
		if tc == dcTable {
			if rs > 16 {
				h.fast[i] = 0
				continue
			}
			run, size = 0, int32(rs)
		} else if size == 0 && run != 0 && run != 15 {
			continue // the symbol only: decodeAC leaves it to the slow way
		}
		used := length + size
		if (tc == acTable && size == 0) || used > lookBits {
			continue
		}
		v := (i >> (lookBits - used)) & (1<<size - 1)
		if size > 0 && v < 1<<(size-1) {
			v += -1<<size + 1
		}
		h.fast[i] = v<<16 | run<<fastRun | fastWhole | used
	}
}

// long finds the code longer than lookBits at the top of l, for an AC
// table's zero h.fast entry, as decodeHuffman's bit-by-bit search would
// go on past lookBits bits (no shorter code matched, or h.fast would
// hold it: an AC table's entry is 0 only then). It returns what h.fast
// would hold for it, its symbol and length (not a whole coefficient),
// or 0 if no code matches, which decodeHuffman refuses. A photo at high
// quality has many such codes; decodeHuffman takes a call and a step
// per bit for each.
func (h *huffman) long(l uint64) int32 {
	for i := lookBits; i < maxCodeLength; i++ {
		if code := int32(l >> (63 - i)); code <= h.maxCodes[i] {
			return int32(h.vals[h.valsIndices[i]+code-h.minCodes[i]])<<fastRun | int32(i+1)
		}
	}
	return 0
}

// extend is EXTEND (F.2.2.1): the s-bit magnitude v as a signed value.
func extend(v int32, s uint32) int32 {
	if s > 0 && v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}
