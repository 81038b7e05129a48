package imageproc

import (
	"errors"
	"image"
	"sync"
)

// rowFeed passes a decoder's rows, as they become final, from the
// goroutine decoding to the one making the first variant from them, so
// that on a machine with a core to spare the variant is resampled and
// encoded while the source is decoded: decoding is most of a variant's
// time, and the first answer waits for all of it.
type rowFeed struct {
	mu   sync.Mutex
	more sync.Cond
	m    image.Image
	// n is the number of m's rows that are final, from the top.
	n    int
	done bool
	err  error
	// want is the rows the goroutine waiting needs, 0 if none waits:
	// it is woken once for them, not for each row of blocks.
	want int
}

func newRowFeed() *rowFeed {
	f := &rowFeed{}
	f.more.L = &f.mu
	return f
}

// rows is the decoder's jpegcodec.Options.Rows: n rows of m are final.
func (f *rowFeed) rows(m image.Image, n int) {
	f.mu.Lock()
	f.m, f.n = m, n
	wake := f.want > 0 && n >= f.want
	f.mu.Unlock()
	if wake {
		f.more.Signal()
	}
}

// end says that decoding ended, with the image m (all of it final: the
// one rows told of, if it did) or err.
func (f *rowFeed) end(m image.Image, err error) {
	f.mu.Lock()
	f.done, f.err = true, err
	if err == nil {
		f.m, f.n = m, m.Bounds().Dy()
	}
	f.mu.Unlock()
	f.more.Signal()
}

// errDecoding stops the first variant when decoding fails; the caller
// returns the decoder's error.
var errDecoding = errors.New("imageproc: decoding failed")

// wait waits until n rows are final, or all are, and returns the image
// and its final rows.
func (f *rowFeed) wait(n int) (image.Image, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.n < n && !f.done {
		f.want = n
		f.more.Wait()
	}
	f.want = 0
	if f.err != nil {
		return nil, 0, errDecoding
	}
	return f.m, f.n, nil
}

// firstResult is the first variant and its planes, in the stored
// orientation, that narrower ones may be made from.
type firstResult struct {
	v      Variant
	planes []plane
	err    error
}

// firstVariant makes the variant width wide of the image info that feed
// brings, resampling its rows as they are final and, for a JPEG with no
// EXIF orientation to apply, encoding each row of blocks of the
// variant as soon as its rows are made.
func firstVariant(feed *rowFeed, info Info, width int, o Options) firstResult {
	m, n, err := feed.wait(1)
	if err != nil {
		return firstResult{err: err}
	}
	f := variantFormat(info.Format, m)
	src := planes(m)
	sw, sh := storedSize(info, width)
	rs := []*resampler{newResampler(src[0], sw, sh)}
	for _, p := range src[1:] {
		// Chroma at half the size rounded up: 4:2:0 (see scalePlanes).
		rs = append(rs, newResampler(p, (sw+1)/2, (sh+1)/2))
	}
	height := m.Bounds().Dy()
	// ready makes the output's first rows rows, and the chroma rows they
	// cover, waiting for the decoder's rows they need.
	ready := func(rows int) error {
		for {
			need := 0 // the decoder's rows the next output rows need
			for i, r := range rs {
				final, want := n, min(rows, r.out.h)
				if i > 0 {
					final, want = n*r.src.h/height, min((rows+1)/2, r.out.h)
				}
				if n == height {
					final = r.src.h
				}
				if made := r.advance(final); made < want {
					srcRows := min(r.yf.first[want-1]+r.yf.n, r.src.h)
					if i > 0 {
						// The decoder's rows that make srcRows chroma rows
						// final, as final above counts them.
						srcRows = (srcRows*height + r.src.h - 1) / r.src.h
					}
					need = max(need, srcRows)
				}
			}
			if need == 0 {
				return nil
			}
			if _, n, err = feed.wait(min(need, height)); err != nil {
				return err
			}
		}
	}
	outs := make([]plane, len(rs))
	for i, r := range rs {
		outs[i] = r.out
	}
	res := firstResult{planes: outs}
	if f == JPEG && o.Encode == nil && info.Orientation <= 1 {
		res.v, res.err = encode(toImage(outs, 1), f, o, ready)
		return res
	}
	if err := ready(sh); err != nil {
		return firstResult{err: err}
	}
	res.v, res.err = encodeVariant(toImage(outs, info.Orientation), f, o)
	return res
}
