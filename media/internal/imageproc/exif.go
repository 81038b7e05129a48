package imageproc

import (
	"bytes"
	"encoding/binary"
)

// This file reads the one EXIF value a variant needs, the orientation,
// rather than using an EXIF library: github.com/rwcarlsen/goexif has had
// no release and no commit since 2019, and github.com/dsoprea/go-exif/v3
// reports errors by panicking and recovering (over 600 panic sites), loads
// a YAML tag table at start-up and brings five more modules. Reading one
// SHORT from IFD0 is a few bounds-checked lines, fuzzed with the rest
// (FuzzOrientation).

// JPEG markers (ITU T.81, Table B.1).
const (
	markerSOI  = 0xd8
	markerEOI  = 0xd9
	markerSOS  = 0xda
	markerAPP1 = 0xe1
	markerTEM  = 0x01
	markerRST0 = 0xd0
	markerRST7 = 0xd7
)

// tagOrientation is the EXIF orientation tag in IFD0 (EXIF 2.32, 4.6.4).
const tagOrientation = 0x0112

// jpegOrientation returns the EXIF orientation of a JPEG's head, 1 to 8,
// or 1 where it has none or it is malformed: an image that cannot tell
// which way is up is shown as stored, as browsers do.
func jpegOrientation(b []byte) int {
	for seg := range jpegSegments(b) {
		if seg.marker != markerAPP1 {
			continue
		}
		tiff, ok := bytes.CutPrefix(seg.data, []byte("Exif\x00\x00"))
		if !ok {
			continue // XMP, also in APP1
		}
		return tiffOrientation(tiff)
	}
	return 1
}

// segment is one marker segment of a JPEG.
type segment struct {
	marker byte
	data   []byte // the payload, after the two length bytes
}

// jpegSegments yields the marker segments of a JPEG's head (ITU T.81,
// B.1.1.2 and B.1.1.4), from after SOI up to the first SOS, where the
// metadata ends and entropy-coded data starts. It stops early at anything
// malformed.
func jpegSegments(b []byte) func(yield func(segment) bool) {
	return func(yield func(segment) bool) {
		if len(b) < 2 || b[0] != 0xff || b[1] != markerSOI {
			return
		}
		b = b[2:]
		for {
			// Any number of 0xff fill bytes may precede a marker.
			i := 0
			for i < len(b) && b[i] == 0xff {
				i++
			}
			if i == 0 || i == len(b) {
				return
			}
			marker := b[i]
			b = b[i+1:]
			switch {
			case marker == markerSOS || marker == markerEOI:
				return
			case marker == markerTEM || markerRST0 <= marker && marker <= markerRST7:
				continue // no length, no payload
			}
			if len(b) < 2 {
				return
			}
			n := int(binary.BigEndian.Uint16(b))
			if n < 2 || n > len(b) {
				return
			}
			if !yield(segment{marker, b[2:n]}) {
				return
			}
			b = b[n:]
		}
	}
}

// tiffOrientation reads the orientation from a TIFF structure (TIFF 6.0,
// section 2): a byte-order mark, 42, the offset of IFD0, and IFD0's
// 12-byte entries of tag, type, count and value.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := uint64(order.Uint32(t[4:]))
	if ifd+2 > uint64(len(t)) {
		return 1
	}
	count := uint64(order.Uint16(t[ifd:]))
	for i := range count {
		e := ifd + 2 + 12*i
		if e+12 > uint64(len(t)) {
			return 1
		}
		entry := t[e : e+12]
		if order.Uint16(entry) != tagOrientation {
			continue
		}
		const typeShort = 3
		if order.Uint16(entry[2:]) != typeShort || order.Uint32(entry[4:]) != 1 {
			return 1
		}
		// A single SHORT sits in the first two bytes of the value field.
		if v := int(order.Uint16(entry[8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
