// Package jpegcodec is the standard library's JPEG decoder and encoder
// (image/jpeg, Go 1.26, BSD licence in LICENSE beside it), made fast for
// making small variants of large photos. Encode writes the bytes
// image/jpeg's Encode writes, in about half the time for the 4:2:0 and
// grey images package imageproc encodes (see Encode). There are four
// things added:
//
//   - Options.Scale decodes at 1/8, 2/8 or 4/8 of the size, as libjpeg's
//     DCT scaling (jpeg_read_header's scale_num/scale_denom, what
//     Pillow's draft and libvips's shrink-on-load use): each 8 × 8 block
//     becomes 1, 2 × 2 or 4 × 4 pixels, the full-size block averaged over
//     boxes, computed from the frequencies present (scaled.go). At 2/8
//     and 1/8 only the DC and the odd frequencies count, and a
//     sequential scan's blocks are summed as their coefficients are
//     decoded, never stored (sums). The Huffman decoding is all still
//     done, but the inverse DCT, the pixels written and the memory
//     shrink with the scale: a 12-megapixel photo takes 300 KB at 1/8.
//   - Options.MaxPixels refuses an image whose frame header has more
//     pixels, before anything is allocated.
//   - Options.Rows tells another goroutine of the rows that are final as
//     a sequential image is decoded, and EncodeRows encodes an image
//     whose rows are still being made, so that a variant is resampled
//     and encoded while its source is decoded.
//   - A faster entropy decoder (fast.go): the bit buffer held in
//     locals, refilled eight bytes at a time while none is 0xff, and a
//     coefficient whose code and magnitude fit in 10 bits decoded with
//     one table look-up (huffman.go's setFast, as libjpeg-turbo's and
//     stb_image's look-ahead tables), a longer magnitude read straight
//     after its code. It hands anything else to image/jpeg's code one
//     symbol at a time.
//
// At 8/8 it decodes what image/jpeg decodes to the same pixels
// (FuzzDecode). Corrupt data may decode here that image/jpeg refuses: the
// read-ahead meets a marker in the middle of a scan at another point.
// The rest is image/jpeg's code, changed only where these need it;
// FormatError and UnsupportedError are as there.
package jpegcodec
