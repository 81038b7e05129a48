package jpegcodec

import (
	"encoding/binary"
	mathbits "math/bits"
)

// This file is the entropy decoder's fast path (not in image/jpeg): the
// bit accumulator held in locals, refilled eight bytes at a time while
// none is 0xff, and a coefficient decoded with one look-up of the next
// lookBits bits (huffman.fast). Whatever it does not handle (fewer bits
// than it needs before a marker or the end of the buffered bytes, a code
// longer than lookBits, an end-of-band run) is handed to image/jpeg's
// code one symbol at a time, with the bits it holds, so that the symbols
// decoded are those image/jpeg decodes.

// fastMin is the number of bits a symbol can need, at most: a 16-bit
// code and 16 magnitude bits (a DC difference may have 16).
const fastMin = 32

// setBits stores the accumulator a of n bits as d.bits.
func (d *decoder) setBits(a uint64, n int32) {
	d.bits = bits{a: a, n: n, m: 1 << uint32(n-1)}
}

// refill adds whole bytes of entropy-coded data to the accumulator a of
// n < 32 bits: up to 63 bits, stopping before a marker or the last byte
// buffered (so that a stuffed 0xff 0x00 is always seen whole). Like
// ensureNBits's fast path, it leaves nothing to unread: the bytes it
// takes are all data before the next marker.
func (d *decoder) refill(a uint64, n int32) (uint64, int32) {
	i := d.bytes.i
	if i+8 <= d.bytes.j {
		x := binary.BigEndian.Uint64(d.bytes.buf[i : i+8])
		k := int((63 - n) >> 3)
		// ff has the top bit of each 0xff byte of x set (and perhaps of
		// a byte before one, which only stops the fast path early).
		nx := ^x
		if ff := (nx - 0x0101010101010101) &^ nx & 0x8080808080808080; ff != 0 {
			k = min(k, mathbits.LeadingZeros64(ff)>>3)
		}
		if k > 0 {
			a = a<<(8*k) | x>>(64-8*k)
			n += int32(8 * k)
			d.bytes.i = i + k
			d.bytes.nUnreadable = 0
			if n >= 56 {
				return a, n
			}
		}
	}
	for n <= 55 && d.bytes.i+1 < d.bytes.j {
		c := d.bytes.buf[d.bytes.i]
		if c == 0xff {
			if d.bytes.buf[d.bytes.i+1] != 0 {
				break // a marker
			}
			d.bytes.i++
		}
		d.bytes.i++
		a = a<<8 | uint64(c)
		n += 8
	}
	d.bytes.nUnreadable = 0
	return a, n
}

// decodeDC decodes a DC coefficient's difference (F.2.2.1) with h.
func (d *decoder) decodeDC(h *huffman) (int32, error) {
	a, n := d.bits.a, d.bits.n
	if n < 32 {
		a, n = d.refill(a, n)
	}
	if n >= lookBits {
		e := h.fast[(a>>uint32(n-lookBits))&(1<<lookBits-1)]
		if e&fastWhole != 0 {
			d.setBits(a, n-e&fastUsed)
			return e >> 16, nil
		}
		if e != 0 && n >= fastMin {
			n -= e & fastUsed
			s := uint32(e>>fastRun) & 0xff
			v := int32(a>>uint32(n-int32(s))) & (1<<s - 1)
			d.setBits(a, n-int32(s))
			return extend(v, s), nil
		}
	}
	d.setBits(a, n)
	value, err := d.decodeHuffman(h)
	if err != nil {
		return 0, err
	}
	if value > 16 {
		return 0, UnsupportedError("excessive DC component")
	}
	return d.receiveExtend(value)
}

// decodeAC decodes the AC coefficients zig to zigEnd of b with h, in
// zig-zag order, each shifted left by al (F.2.2.2, G.1.2.2), and returns
// a zig-zag index past which it set none. It leaves an end-of-band run
// that goes past this block in d.eobRun. If s is not nil, b is not
// used: each coefficient is added to s instead (see sums).
func (d *decoder) decodeAC(b *block, s *sums, h *huffman, zig, zigEnd int32, al uint32) (int32, error) {
	a, n := d.bits.a, d.bits.n
	al &= 31 // as al < 14: no shift-width check
	for zig <= zigEnd {
		if n < fastMin {
			a, n = d.refill(a, n)
		}
		// The fast loop, with no call, while it has fastMin bits: enough
		// for any symbol. It stops for a symbol it leaves to the slow
		// way, or for a refill that its own cannot do. It holds the bits
		// in l, left-aligned (the next bit is l's top bit), so that a
		// look-up is one shift and a symbol's bits are dropped with
		// another: the chain from one symbol to the next, a look-up
		// and two shifts, is the decoder's speed limit.
		ran := false
		if n >= fastMin {
			ran = true
			l := a << uint32((64-n)&63)
			for {
				e := h.fast[l>>(64-lookBits)]
				if e&fastWhole != 0 {
					run := (e >> fastRun) & 15
					if zig+run > zigEnd {
						break // the slow way: no magnitude is read
					}
					l <<= uint32(e) & fastUsed
					n -= e & fastUsed
					zig += run
					if s != nil {
						s.add(zig, e>>16)
					} else {
						b[unzig8[zig&63]&63] = (e >> 16) << al
					}
					zig++
				} else {
					if e == 0 {
						// A code longer than lookBits: fastMin
						// bits hold it and its magnitude too.
						e = h.long(l)
					}
					rs := uint32(e>>fastRun) & 0xff
					run, size := int32(rs>>4), rs&15
					if size == 0 {
						if e == 0 || (run != 0 && run != 15) {
							break // the slow way
						}
						l <<= uint32(e) & fastUsed
						n -= e & fastUsed
						if run == 0 {
							d.setBits(rightAligned(l, n), n) // end of band
							return zig - 1, nil
						}
						zig += 16 // run 15: sixteen zeros
					} else {
						l <<= uint32(e) & fastUsed
						n -= e & fastUsed
						zig += run
						if zig > zigEnd {
							d.setBits(rightAligned(l, n), n) // as image/jpeg: no magnitude read
							return zigEnd, nil
						}
						v := extend(int32(l>>((64-size)&63)), size)
						l <<= size & 15
						n -= int32(size)
						if s != nil {
							s.add(zig, v)
						} else {
							b[unzig8[zig&63]&63] = v << al
						}
						zig++
					}
				}
				if zig > zigEnd {
					d.setBits(rightAligned(l, n), n)
					return zigEnd, nil
				}
				if n < fastMin {
					// ensureNBits's fast path, inline: eight bytes with
					// no 0xff, all of them put below the n bits held
					// (the bytes past those counted are the stream's
					// next, so that the next refill, putting them in
					// again, changes nothing); else refill above.
					i := d.bytes.i
					if i+8 > d.bytes.j || i < 0 {
						break
					}
					x := binary.BigEndian.Uint64(d.bytes.buf[i : i+8])
					if nx := ^x; (nx-0x0101010101010101)&^nx&0x8080808080808080 != 0 {
						break
					}
					l |= x >> uint32(n&63)
					k := (63 - n) >> 3
					n += 8 * k
					d.bytes.i = i + int(k)
					d.bytes.nUnreadable = 0
				}
			}
			a = rightAligned(l, n)
		}
		if ran && n < fastMin {
			continue // refill
		}
		// The slow way, image/jpeg's, for one symbol: one the fast loop
		// leaves, or any when a refill cannot give fastMin bits.
		d.setBits(a, n)
		value, err := d.decodeHuffman(h)
		if err != nil {
			return 0, err
		}
		val0, val1 := value>>4, value&0x0f
		if val1 != 0 {
			zig += int32(val0)
			if zig > zigEnd {
				return zigEnd, nil
			}
			ac, err := d.receiveExtend(val1)
			if err != nil {
				return 0, err
			}
			if s != nil {
				s.add(zig, ac)
			} else {
				b[unzig[zig]] = ac << al
			}
		} else {
			if val0 != 0x0f {
				d.eobRun = uint16(1 << val0)
				if val0 != 0 {
					bits, err := d.decodeBits(int32(val0))
					if err != nil {
						return 0, err
					}
					d.eobRun |= uint16(bits)
				}
				d.eobRun--
				return max(zig-1, 0), nil
			}
			zig += 0x0f
		}
		zig++
		a, n = d.bits.a, d.bits.n
	}
	d.setBits(a, n)
	return min(zig-1, zigEnd), nil
}

// rightAligned turns the n bits at the top of l into an accumulator of
// n bits (decoder.bits.a), 0 <= n < 64.
func rightAligned(l uint64, n int32) uint64 {
	return l >> 1 >> uint32((63-n)&63)
}

// unzig8 is unzig in bytes.
var unzig8 = func() (t [blockSize]uint8) {
	for i, v := range unzig {
		t[i] = uint8(v)
	}
	return t
}()
