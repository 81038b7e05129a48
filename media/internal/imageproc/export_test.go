package imageproc

import (
	"bytes"
	"fmt"
)

// Resize makes a variant of the image src that is width pixels wide as
// displayed (after its EXIF orientation); it is Variants for one width.
// A width at or above the source's gives ErrServeSource before anything
// is decoded: a variant is never larger than its source.
func Resize(src []byte, width int, o Options) (Variant, error) {
	if width < 1 {
		return Variant{}, fmt.Errorf("imageproc: width %d; want 1 or more", width)
	}
	_, vs, err := variants(src, []int{width}, o)
	if err != nil {
		return Variant{}, err
	}
	if len(vs) == 0 {
		return Variant{}, ErrServeSource
	}
	return vs[0], nil
}

// variants is Variants with the variants returned, widest first.
func variants(src []byte, widths []int, o Options) (Info, []Variant, error) {
	var vs []Variant
	info, err := Variants(bytes.NewReader(src), widths, o, func(v Variant) error {
		vs = append(vs, v)
		return nil
	})
	return info, vs, err
}
