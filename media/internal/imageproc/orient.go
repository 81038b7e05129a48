package imageproc

import "image"

// orient returns m as displayed under EXIF orientation o (EXIF 2.32,
// 4.6.4, tag 0x0112): m itself for 1, else a new image whose pixel (x, y)
// is m's pixel at source(o, x, y).
func orient(m *image.RGBA, o int) *image.RGBA {
	p := orientPlane(plane{pix: m.Pix, w: m.Rect.Dx(), h: m.Rect.Dy(), stride: m.Stride, ch: 4}, o)
	return &image.RGBA{Pix: p.pix, Stride: p.stride, Rect: image.Rect(0, 0, p.w, p.h)}
}

// orientPlane is orient for a plane of any number of channels.
func orientPlane(m plane, o int) plane {
	if o < 2 || o > 8 {
		return m
	}
	w, h, ch := m.w, m.h, m.ch
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := plane{pix: make([]uint8, dw*dh*ch), w: dw, h: dh, stride: dw * ch, ch: ch}
	for y := range dh {
		row := dst.pix[y*dst.stride : y*dst.stride+ch*dw]
		for x := range dw {
			sx, sy := source(o, x, y, w, h)
			i := sy*m.stride + ch*sx
			copy(row[ch*x:ch*x+ch], m.pix[i:i+ch])
		}
	}
	return dst
}

// source maps pixel (x, y) of the displayed image to the stored w × h
// image's pixel for orientation o, 1 to 8: the stored image is, in turn,
// as displayed, mirrored left to right, turned 180°, mirrored top to
// bottom, transposed, turned 90° anticlockwise (displayed by turning it
// clockwise), transversed, and turned 90° clockwise.
func source(o, x, y, w, h int) (sx, sy int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}
